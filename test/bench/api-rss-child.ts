/**
 * Child process of the API benchmark: pages through every package revision of one namespace with the list
 * handler (500 per page, as kubectl would) and prints the process's peak RSS in MiB.
 */
import { packageRevisionOperations } from '../../lib/api/package-revisions/operations.js';
import { openDatabase } from '../../lib/db/pool.js';
import { createAccess } from '../../lib/api/rbac/access.js';
import { createHttpHandler } from '../../lib/http/handler.js';
import { httpEvent } from '../support/http-events.js';

const [url, ns] = process.argv.slice(2) as [string, string];
const db = await openDatabase({ connectionString: url, max: 2 });
const list = createHttpHandler(packageRevisionOperations, createAccess, {
  database: async () => db,
  log: () => undefined,
});
let token: string | undefined;
let items = 0;
do {
  const res = await list(
    httpEvent('GET', `/apis/porch.kpt.dev/v1alpha1/namespaces/${ns}/packagerevisions`, {
      query: { limit: '500', ...(token ? { continue: token } : {}) },
    }),
  );
  // Only the handler's memory is of interest: the page is not parsed back into objects here.
  const body = res.body as string;
  items += body.split('"kind":"PackageRevision"').length - 1;
  // The list's metadata carries its resourceVersion beside the token; no item has a field of that name.
  token = /"continue":"([^"]+)"/.exec(body)?.[1];
} while (token);
await db.close();
// With --expose-gc: what the process still holds after the listing (a leak would show here, GC lag would not).
(globalThis as { gc?: () => void }).gc?.();
const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
console.log(
  JSON.stringify({
    items,
    peakRssMiB: Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10,
    heapAfterGcMiB: mib(process.memoryUsage().heapUsed),
  }),
);
