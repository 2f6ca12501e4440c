/** Per-repository sync, invoked asynchronously by the fan-out (or on registration) with {namespace, name}. */
import { getDatabase } from '../lib/db/pool.js';
import { defaultSyncDeps } from '../lib/sync/default-sync-deps.js';
import { parseSyncEvent } from '../lib/sync/sync-event.js';
import { syncRepository, type SyncResult } from '../lib/sync/sync-repository.js';

export const handler = async (event: unknown): Promise<SyncResult> => {
  const { namespace, name } = parseSyncEvent(event);
  return syncRepository(await getDatabase(), namespace, name, defaultSyncDeps());
};
