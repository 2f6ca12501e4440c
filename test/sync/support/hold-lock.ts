/** Child process for lock tests: takes a repository's sync lock, prints "locked", then hangs until killed. */
import { openDatabase } from '../../../lib/db/pool.js';
import { withRepositoryLock } from '../../../lib/sync/repository-lock.js';

const [url, namespace, name, idle] = process.argv.slice(2);
const db = await openDatabase({ connectionString: url, max: 1 });
const result = await withRepositoryLock(
  db,
  namespace!,
  name!,
  async () => {
    console.log('locked');
    await new Promise(() => undefined);
  },
  { idleTimeoutMs: Number(idle ?? 60_000) },
);
console.log(result.ran ? 'done' : 'busy');
await db.close();
