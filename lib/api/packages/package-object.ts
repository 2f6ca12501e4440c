import { ageOf, type TableColumn } from '../../contract/table.js';
import type { PackageRow } from '../../storage/types.js';
import { PORCH_GROUP, VERSION } from '../../api-groups.js';

export const PACKAGE_API_VERSION = `${PORCH_GROUP}/${VERSION}`;

export interface PorchPackageObject {
  apiVersion: string;
  kind: 'PorchPackage';
  metadata: Record<string, unknown>;
  spec: { packageName: string; repository: string };
  status: { latestRevision?: number };
}

const iso = (d: Date) => new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The PorchPackage of a stored package (docs/porch-semantics.md §1.4): `spec.packageName` is only the last path
 * segment, as in Porch; `status.latestRevision` is omitted when no revision is published. Unlike Porch (which reports
 * "undefined") the resourceVersion is the row's real one.
 */
export function toPackageObject(row: PackageRow): PorchPackageObject {
  const metadata: Record<string, unknown> = {
    name: row.name,
    namespace: row.namespace,
    uid: row.uid,
    resourceVersion: row.resourceVersion,
    creationTimestamp: iso(row.created),
  };
  if (row.meta.labels) metadata.labels = row.meta.labels;
  if (row.meta.annotations) metadata.annotations = row.meta.annotations;
  return {
    apiVersion: PACKAGE_API_VERSION,
    kind: 'PorchPackage',
    metadata,
    spec: { packageName: row.packageName, repository: row.repository },
    status:
      row.latestRevision !== null && row.latestRevision !== undefined ? { latestRevision: row.latestRevision } : {},
  };
}

/** The columns Porch prints for packages (docs/api.md "Lists"). */
export const packageColumns: TableColumn<PorchPackageObject>[] = [
  { name: 'Name', type: 'string', cell: (p) => p.metadata.name },
  { name: 'Package', type: 'string', cell: (p) => p.spec.packageName },
  { name: 'Repository', type: 'string', cell: (p) => p.spec.repository },
  { name: 'Latest Revision', type: 'integer', cell: (p) => p.status.latestRevision ?? '' },
  { name: 'Age', type: 'date', priority: 1, cell: (p) => ageOf(p) },
];
