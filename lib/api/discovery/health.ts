import type { Database } from '../../db/pool.js';
import { ping } from '../../storage/sql.js';

/** Pings the database with a short timeout: 200 when it answers, 503 otherwise (never throws). */
export async function checkHealth(database: () => Promise<Database>, timeoutMs = 2000) {
  let timer: NodeJS.Timeout | undefined;
  try {
    const answered = database().then(ping);
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
    });
    await Promise.race([answered, timeout]);
    return { status: 200, body: { status: 'ok' } };
  } catch {
    return { status: 503, body: { status: 'unavailable', reason: 'database does not answer' } };
  } finally {
    clearTimeout(timer);
  }
}
