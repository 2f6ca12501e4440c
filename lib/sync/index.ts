/**
 * The sync layer's entry points for the local server (lib/local), which runs in-process what AWS runs as Lambda
 * invocations: one repository's sync with the production wiring, and the fan-out tick.
 */
import type { Database } from '../db/pool.js';
import { defaultSyncDeps } from './default-sync-deps.js';
import { runSyncFanout as fanout, type FanoutResult } from './run-sync-fanout.js';
import { syncRepository as sync, type SyncDeps, type SyncResult } from './sync-repository.js';

export { requestSync, inProcessInvoker, settleBackgroundSyncs } from './request-sync.js';

/** Syncs one repository now (lib/git over HTTP unless `deps` say otherwise); `{ran:false}` when one is running. */
export function syncRepository(db: Database, namespace: string, name: string, deps?: SyncDeps): Promise<SyncResult> {
  return sync(db, namespace, name, deps ?? defaultSyncDeps());
}

/** One fan-out tick: `invoke` starts the sync of each due repository (in-process locally). */
export function runSyncFanout(
  db: Database,
  options: { invoke: (namespace: string, name: string) => Promise<void>; now?: Date; concurrency?: number },
): Promise<FanoutResult> {
  return fanout(db, options.now ?? new Date(), (t) => options.invoke(t.namespace, t.name), options);
}
