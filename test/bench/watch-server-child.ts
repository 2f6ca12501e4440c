/**
 * Child process of the watch benchmark: the local server (same handlers as `npm start`) on a free port against the
 * given database. Prints `{"port":…}`, then answers each `rss` line on stdin with its current RSS in MiB.
 */
import { createInterface } from 'node:readline';
import { openDatabase } from '../../lib/db/pool.js';
import { createLocalHandlers } from '../../lib/local/handlers.js';
import { startLocalServer } from '../../lib/local/server.js';

const db = await openDatabase({ connectionString: process.argv[2]!, max: 10 });
const handlers = createLocalHandlers({ database: async () => db, log: () => undefined, requestSync: async () => {} });
const server = await startLocalServer({
  port: 0,
  handlers,
  user: 'bench',
  maxBodyBytes: 1 << 20,
  log: () => undefined,
});
console.log(JSON.stringify({ port: server.port }));
const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'rss') console.log(JSON.stringify({ rssMiB: mib(process.memoryUsage().rss) }));
  if (line === 'stop') break;
}
await server.close();
await db.close();
process.exit(0);
