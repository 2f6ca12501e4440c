import type { Database } from '../../db/pool.js';

/** Pings the database with a short timeout: 200 when it answers, 503 otherwise (never throws). */
export async function checkHealth(database: () => Promise<Database>, timeoutMs = 2000) {
  let timer: NodeJS.Timeout | undefined;
  try {
    // Over a connection of its own when the pool is full: a busy pool is not a database that is down.
    const answered = database().then((db) => db.ping(timeoutMs));
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
