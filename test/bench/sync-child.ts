/**
 * One sync in its own process, so the benchmark can read this process's peak RSS. Prints one JSON line:
 * {durationMs, maxRssMiB, result}. Args: <database url> <namespace> <repository>.
 */
import { openDatabase } from '../../lib/db/pool.js';
import { defaultSyncDeps } from '../../lib/sync/default-sync-deps.js';
import { syncRepository } from '../../lib/sync/sync-repository.js';

const [url, namespace, name] = process.argv.slice(2);
const db = await openDatabase({ connectionString: url, max: 2 });
const started = performance.now();
const deps = defaultSyncDeps();
const calls: { refs: number; ms: number }[] = [];
const result = await syncRepository(db, namespace!, name!, {
  ...deps,
  git: {
    ...deps.git,
    discoverRevisions: async (remote, refs, options) => {
      const t = performance.now();
      try {
        return await deps.git.discoverRevisions(remote, refs, options);
      } finally {
        calls.push({ refs: options.only?.length ?? Object.keys(refs).length, ms: Math.round(performance.now() - t) });
      }
    },
  },
  log: () => undefined,
});
const durationMs = performance.now() - started;
await db.close();
const summary = { ...result, skipped: 'skipped' in result ? result.skipped.length : 0 };
console.log(
  JSON.stringify({
    durationMs,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    result: { ...summary, discoveryCalls: calls },
  }),
);
