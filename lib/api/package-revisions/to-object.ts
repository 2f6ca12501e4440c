import type { PackageRevisionRow } from '../../storage/types.js';
import { API_VERSION, LATEST_LABEL } from './refs.js';

export type PackageRevisionObject = {
  apiVersion: string;
  kind: 'PackageRevision';
  metadata: Record<string, unknown> & { name: string; namespace: string; resourceVersion: string };
  spec: Record<string, unknown>;
  status: Record<string, unknown>;
};

/** Kubernetes timestamps are RFC 3339 with whole seconds. */
export const formatTime = (t: Date | string): string => new Date(t).toISOString().replace(/\.\d+Z$/, 'Z');

const isPublished = (row: PackageRevisionRow) => row.lifecycle === 'Published' || row.lifecycle === 'DeletionProposed';

/** Object metadata shared by the PackageRevision and its resources object. */
export function revisionMetadata(row: PackageRevisionRow): PackageRevisionObject['metadata'] {
  const meta = row.meta ?? {};
  const labels = { ...(meta.labels ?? {}) };
  delete labels[LATEST_LABEL];
  // The flag lives in its own column; the label is computed on every read (docs/porch-semantics.md §5).
  if (row.latest) labels[LATEST_LABEL] = 'true';
  return {
    name: row.name,
    namespace: row.namespace,
    uid: row.uid,
    resourceVersion: String(row.resourceVersion),
    creationTimestamp: formatTime(row.created),
    ...(meta.deletionTimestamp ? { deletionTimestamp: meta.deletionTimestamp } : {}),
    ...(Object.keys(labels).length ? { labels } : {}),
    ...(meta.annotations && Object.keys(meta.annotations).length ? { annotations: meta.annotations } : {}),
    ...(meta.finalizers?.length ? { finalizers: meta.finalizers } : {}),
    ...(meta.ownerReferences?.length ? { ownerReferences: meta.ownerReferences } : {}),
    ...(meta.managedFields?.length ? { managedFields: meta.managedFields } : {}),
  };
}

/** A stored revision as the PackageRevision object of docs/porch-semantics.md §1.2. */
export function toPackageRevision(row: PackageRevisionRow, deployment: boolean): PackageRevisionObject {
  const spec = row.spec ?? {};
  const published = isPublished(row);
  return {
    apiVersion: API_VERSION,
    kind: 'PackageRevision',
    metadata: revisionMetadata(row),
    spec: {
      packageName: row.packagePath,
      repository: row.repository,
      workspaceName: row.workspace,
      ...(row.revision !== 0 ? { revision: row.revision } : {}),
      lifecycle: row.lifecycle,
      ...(row.tasks?.length ? { tasks: row.tasks } : {}),
      ...(spec.readinessGates?.length ? { readinessGates: spec.readinessGates } : {}),
      ...(spec.packageMetadata && Object.keys(spec.packageMetadata).length
        ? { packageMetadata: spec.packageMetadata }
        : {}),
      ...(spec.parent ? { parent: spec.parent } : {}),
    },
    status: {
      upstreamLock: row.upstreamLock ?? {},
      ...(row.selfLock ? { selfLock: row.selfLock } : {}),
      ...(published && row.publishedBy ? { publishedBy: row.publishedBy } : {}),
      publishTimestamp: published && row.publishTimestamp ? formatTime(row.publishTimestamp) : null,
      ...(deployment ? { deployment: true } : {}),
      ...(row.conditions?.length ? { conditions: row.conditions } : {}),
    },
  };
}

/** A list of revisions as a Kubernetes list object (`resourceVersion`: where a watch after this list starts). */
export function toPackageRevisionList(items: PackageRevisionObject[], next?: string, resourceVersion?: string) {
  return {
    apiVersion: API_VERSION,
    kind: 'PackageRevisionList',
    metadata: { ...(resourceVersion ? { resourceVersion } : {}), ...(next ? { continue: next } : {}) },
    items,
  };
}
