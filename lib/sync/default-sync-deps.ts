import { discoverRevisions } from '../git/discover-revisions.js';
import { listRemoteRefs } from '../git/list-remote-refs.js';
import type { SyncDeps } from './sync-repository.js';

/** Production wiring of a sync: lib/git over HTTP, the service configuration's periods and timeouts. */
export function defaultSyncDeps(): SyncDeps {
  return { git: { listRemoteRefs, discoverRevisions } };
}
