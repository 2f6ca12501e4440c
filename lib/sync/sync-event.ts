import type { RepositoryKey } from './sync-invoker.js';

/** Reads the sync-repository event ({namespace, name}); anything else is a programming error, not retryable. */
export function parseSyncEvent(event: unknown): RepositoryKey {
  const e = (event ?? {}) as Record<string, unknown>;
  if (typeof e.namespace !== 'string' || e.namespace === '' || typeof e.name !== 'string' || e.name === '') {
    throw new Error(
      `sync event must be {"namespace": "...", "name": "..."}, got ${JSON.stringify(event)?.slice(0, 200)}`,
    );
  }
  return { namespace: e.namespace, name: e.name };
}
