import type { Files, PackageRevisionRow } from '../../storage/types.js';
import { API_VERSION } from '../package-revisions/refs.js';
import { formatTime } from '../package-revisions/to-object.js';
import { emptyRenderStatus, type RenderStatus } from '../../render/render-revision.js';

export type ResourcesObject = ReturnType<typeof toResources>;

/** A stored revision and its files as the PackageRevisionResources object of docs/porch-semantics.md §1.3. */
export function toResources(row: PackageRevisionRow, files: Files, renderStatus: RenderStatus = emptyRenderStatus()) {
  return {
    apiVersion: API_VERSION,
    kind: 'PackageRevisionResources' as const,
    metadata: {
      name: row.name,
      namespace: row.namespace,
      uid: row.uid,
      resourceVersion: String(row.resourceVersion),
      creationTimestamp: formatTime(row.created),
    },
    spec: {
      // Porch quirk kept: only the last path segment.
      packageName: row.packageName,
      workspaceName: row.workspace,
      ...(row.revision !== 0 ? { revision: row.revision } : {}),
      repository: row.repository,
      resources: files,
    },
    // The results of the render this request ran (an update); reads show an empty list, as Porch does (docs/porch-semantics.md §6.1).
    status: { renderStatus },
  };
}

/** A list of resources objects as a Kubernetes list object. */
export function toResourcesList(items: ResourcesObject[], next?: string, resourceVersion?: string) {
  return {
    apiVersion: API_VERSION,
    kind: 'PackageRevisionResourcesList',
    metadata: { ...(resourceVersion ? { resourceVersion } : {}), ...(next ? { continue: next } : {}) },
    items,
  };
}
