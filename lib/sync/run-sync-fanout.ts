import type { Queryable } from '../db/queryable.js';
import { logger } from '../log.js';
import { listDueRepositories } from '../storage/repository-sync.js';
import type { InvokeSync, RepositoryKey } from './sync-invoker.js';

export interface FanoutResult {
  due: number;
  invoked: number;
  failed: { target: RepositoryKey; error: string }[];
}

/**
 * One scheduled tick: finds the repositories due at `now` and starts a sync of each through `invoke`, at most
 * `concurrency` invocations in flight. Duplicate or late starts are harmless: the per-repository lock turns
 * them into no-ops.
 */
export async function runSyncFanout(
  db: Queryable,
  now: Date,
  invoke: InvokeSync,
  options: { concurrency?: number; limit?: number } = {},
): Promise<FanoutResult> {
  // Due = never synced, generation not yet synced (a spec change, e.g. a new runOnceAt), or next_full_sync_time
  // reached (the last sync stored it from the cron schedule, a future runOnceAt or the default period).
  const due = (await listDueRepositories(db, now, options.limit ?? 1000)).map(({ namespace, name }) => ({
    namespace,
    name,
  }));
  const failed: FanoutResult['failed'] = [];
  let next = 0;
  let invoked = 0;
  const worker = async () => {
    while (next < due.length) {
      const target = due[next++]!;
      try {
        await invoke(target);
        invoked++;
      } catch (err) {
        failed.push({ target, error: err instanceof Error ? err.message : String(err) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 10, due.length) }, worker));
  const result = { due: due.length, invoked, failed };
  // Quiet when idle: the local server ticks every few seconds.
  if (due.length > 0) (failed.length ? logger.warn : logger.info).call(logger, 'sync fan-out', { ...result });
  return result;
}
