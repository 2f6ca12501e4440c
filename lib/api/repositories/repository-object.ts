import type { RepositoryRow, RepositorySyncRow } from '../../storage/types.js';
import { ageOf, type TableColumn } from '../../contract/table.js';
import { REPOSITORY_API_VERSION } from './repository-request.js';

export interface RepositoryObject {
  apiVersion: string;
  kind: 'Repository';
  metadata: Record<string, unknown>;
  spec: Record<string, any>;
  status: Record<string, any>;
}

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined);

function readyCondition(row: RepositoryRow, sync: RepositorySyncRow | undefined) {
  const state = sync?.state ?? 'Reconciling';
  const fallback =
    state === 'Ready'
      ? 'Repository Ready'
      : state === 'Reconciling'
        ? 'Repository sync pending'
        : 'Repository sync failed';
  return {
    type: 'Ready',
    status: state === 'Ready' ? 'True' : 'False',
    reason: state,
    message: sync?.message || fallback,
    lastTransitionTime: iso(sync?.updated ?? row.created),
    observedGeneration: sync?.observedGeneration ?? 0,
  };
}

/**
 * The status Porch reports (docs/porch-semantics.md §1.1) plus the last sync's counts, duration and the refs it had to
 * skip (docs/api.md).
 */
export function repositoryStatus(row: RepositoryRow, sync: RepositorySyncRow | undefined) {
  const status: Record<string, unknown> = { conditions: [readyCondition(row, sync)] };
  if (!sync) return status;
  const set = (key: string, value: unknown) => value !== undefined && value !== null && (status[key] = value);
  set('lastFullSyncTime', iso(sync.lastFullSyncTime));
  set('nextFullSyncTime', iso(sync.nextFullSyncTime));
  set('observedGeneration', sync.observedGeneration || undefined);
  set('observedRunOnceAt', iso(sync.observedRunOnceAt));
  status.packageCount = sync.packageCount;
  set('gitCommitHash', sync.commitHash);
  if (sync.lastFullSyncTime || sync.durationMs !== null) {
    status.sync = {
      cachedOnly: sync.cachedOnly,
      both: sync.both,
      externalOnly: sync.externalOnly,
      ...(sync.durationMs !== null ? { durationMs: sync.durationMs } : {}),
      skippedRefs: sync.skipped,
    };
  }
  return status;
}

/** The Repository object of a stored row and its sync state. */
export function toRepositoryObject(row: RepositoryRow, sync: RepositorySyncRow | undefined): RepositoryObject {
  const metadata: Record<string, unknown> = {
    name: row.name,
    namespace: row.namespace,
    uid: row.uid,
    resourceVersion: row.resourceVersion,
    generation: row.generation,
    creationTimestamp: iso(row.created),
  };
  for (const key of ['labels', 'annotations', 'finalizers', 'ownerReferences', 'managedFields'] as const) {
    if (row.meta[key] !== undefined) metadata[key] = row.meta[key];
  }
  return {
    apiVersion: REPOSITORY_API_VERSION,
    kind: 'Repository',
    metadata,
    spec: row.spec,
    status: repositoryStatus(row, sync),
  };
}

/** The columns of Porch's Repository CRD printer (docs/api.md "Lists"). */
export const repositoryColumns: TableColumn<RepositoryObject>[] = [
  { name: 'Name', type: 'string', cell: (r) => r.metadata.name },
  { name: 'Type', type: 'string', cell: (r) => r.spec.type },
  { name: 'Content', type: 'string', cell: (r) => r.spec.content },
  { name: 'Sync schedule', type: 'string', cell: (r) => r.spec.sync?.schedule ?? '' },
  { name: 'Deployment', type: 'boolean', cell: (r) => r.spec.deployment === true },
  {
    name: 'Ready',
    type: 'string',
    cell: (r) => r.status.conditions?.find((c: { type: string }) => c.type === 'Ready')?.status ?? '',
  },
  { name: 'Address', type: 'string', cell: (r) => r.spec.git?.repo ?? r.spec.oci?.registry ?? '' },
  { name: 'Branch', type: 'string', cell: (r) => r.spec.git?.branch ?? '' },
  { name: 'Age', type: 'date', cell: (r) => ageOf(r) },
];
