/**
 * The lifecycle events other systems receive (docs/watch-and-events.md "Lifecycle events (EventBridge)"): one per
 * PackageRevision lifecycle change (created, moved, deleted) and one per finished Repository sync, derived from
 * change-log entries.
 */
import type { StoredChange } from '../storage/change-log.js';

export const EVENT_SOURCE = 'porch.kpt.dev';
export const REVISION_DETAIL_TYPE = 'PackageRevision Lifecycle Changed';
export const SYNC_DETAIL_TYPE = 'Repository Sync Finished';

export interface LifecycleEvent {
  detailType: typeof REVISION_DETAIL_TYPE | typeof SYNC_DETAIL_TYPE;
  /** `<namespace>/<name>` of the object: events of one object are published one after the other, in order. */
  objectKey: string;
  /** The change-log version the event comes from (increasing per object). */
  resourceVersion: string;
  time: Date;
  detail: Record<string, unknown>;
}

/** An event of the entry's object: the envelope every event shares, its detail led by the object's identity. */
function eventOf(
  e: StoredChange,
  detailType: LifecycleEvent['detailType'],
  detail: Record<string, unknown>,
): LifecycleEvent {
  return {
    detailType,
    objectKey: `${e.namespace}/${e.name}`,
    resourceVersion: e.resourceVersion,
    time: e.created,
    detail: { namespace: e.namespace, name: e.name, uid: e.object.uid, ...detail, resourceVersion: e.resourceVersion },
  };
}

function revisionEvent(e: StoredChange): LifecycleEvent | undefined {
  const now = e.type === 'DELETED' ? null : (e.object.lifecycle as string);
  const before = e.type === 'ADDED' ? null : e.type === 'DELETED' ? e.object.lifecycle : e.previous?.lifecycle;
  if (now === before) return undefined;
  const row = e.object;
  return eventOf(e, REVISION_DETAIL_TYPE, {
    repository: row.repository,
    packageName: row.package_path,
    workspaceName: row.workspace,
    revision: row.revision,
    lifecycle: now,
    previousLifecycle: before ?? null,
    change: e.type === 'ADDED' ? 'Created' : e.type === 'DELETED' ? 'Deleted' : 'LifecycleChanged',
    ...(now === 'Published' ? { publishedBy: row.published_by ?? '' } : {}),
  });
}

// Every end of a sync, Ready or Error, counts one more finished sync (migrations/0015_sync_count.sql); marking
// Reconciling or requesting a sync does not.
function syncEvent(e: StoredChange): LifecycleEvent | undefined {
  const sync = e.object.sync;
  const before = e.previous?.sync;
  if (e.cause !== 'sync' || !sync || !before || Number(sync.syncs ?? 0) <= Number(before.syncs ?? 0)) return undefined;
  if (sync.state !== 'Ready' && sync.state !== 'Error') return undefined;
  return eventOf(e, SYNC_DETAIL_TYPE, {
    state: sync.state,
    message: sync.message,
    commitHash: sync.commit_hash ?? null,
    packageCount: sync.package_count,
    cachedOnly: sync.cached_only,
    both: sync.both_count,
    externalOnly: sync.external_only,
    durationMs: sync.duration_ms ?? null,
    changed: sync.cached_only > 0 || sync.external_only > 0,
  });
}

/** The events of a run of change-log entries, in their order. */
export function lifecycleEvents(entries: StoredChange[]): LifecycleEvent[] {
  const events: LifecycleEvent[] = [];
  for (const e of entries) {
    const event = e.kind === 'PackageRevision' ? revisionEvent(e) : e.kind === 'Repository' ? syncEvent(e) : undefined;
    if (event) events.push(event);
  }
  return events;
}
