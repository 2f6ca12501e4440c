/**
 * Child process of the API benchmark: pages through every package revision of one namespace with the list
 * handler (500 per page, as kubectl would) and prints the process's peak RSS in MiB.
 */
import { packageRevisionOperations } from '../../lib/api/package-revisions/operations.js';
import { openDatabase } from '../../lib/db/pool.js';
import { createHttpHandler } from '../../lib/http/handler.js';
import { httpEvent } from '../support/http-events.js';

const [url, ns] = process.argv.slice(2) as [string, string];
const db = await openDatabase({ connectionString: url, max: 2 });
const list = createHttpHandler(packageRevisionOperations, { database: async () => db, log: () => undefined });
let token: string | undefined;
let items = 0;
do {
  const res = await list(
    httpEvent('GET', `/apis/porch.kpt.dev/v1alpha1/namespaces/${ns}/packagerevisions`, { query: { limit: '500', ...(token ? { continue: token } : {}) } }),
  );
  const body = JSON.parse(res.body as string);
  items += body.items.length;
  token = body.metadata.continue;
} while (token);
await db.close();
console.log(JSON.stringify({ items, peakRssMiB: Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10 }));
