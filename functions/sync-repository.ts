/** Per-repository sync, invoked asynchronously by the fan-out (or on registration) with {namespace, name}. */
import { getDatabase } from '../lib/db/pool.js';
import { recordSync } from '../lib/metrics.js';
import { defaultSyncDeps } from '../lib/sync/default-sync-deps.js';
import { parseSyncEvent } from '../lib/sync/sync-event.js';
import { syncRepository, type SyncResult } from '../lib/sync/sync-repository.js';

export const handler = async (event: unknown): Promise<SyncResult> => {
  const { namespace, name } = parseSyncEvent(event);
  const result = await syncRepository(await getDatabase(), namespace, name, defaultSyncDeps());
  // A sync that did not run (another holds the repository's lock) is not a sync.
  if (result.ran)
    recordSync(
      result.state === 'Ready'
        ? { state: result.state, durationMs: result.durationMs, added: result.externalOnly, deleted: result.cachedOnly }
        : { state: result.state, durationMs: result.durationMs },
    );
  return result;
};
