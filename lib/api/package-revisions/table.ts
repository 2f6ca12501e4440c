import type { TableColumn } from '../../contract/table.js';
import type { ResourcesObject } from '../resources/to-object.js';
import { LATEST_LABEL } from './refs.js';
import type { PackageRevisionObject } from './to-object.js';

/** The columns Porch prints for packagerevisions (docs/api.md "Lists"). */
export const revisionColumns: TableColumn<PackageRevisionObject>[] = [
  { name: 'Name', type: 'string', cell: (o) => o.metadata.name },
  { name: 'Package', type: 'string', cell: (o) => o.spec.packageName },
  { name: 'WorkspaceName', type: 'string', cell: (o) => o.spec.workspaceName },
  { name: 'Revision', type: 'integer', cell: (o) => o.spec.revision ?? 0 },
  {
    name: 'Latest',
    type: 'boolean',
    cell: (o) => (o.metadata.labels as Record<string, string> | undefined)?.[LATEST_LABEL] === 'true',
  },
  { name: 'Lifecycle', type: 'string', cell: (o) => o.spec.lifecycle },
  { name: 'Repository', type: 'string', cell: (o) => o.spec.repository },
];

/** The columns Porch prints for packagerevisionresources. */
export const resourcesColumns: TableColumn<ResourcesObject>[] = [
  { name: 'Name', type: 'string', cell: (o) => o.metadata.name },
  { name: 'Package', type: 'string', cell: (o) => o.spec.packageName },
  { name: 'WorkspaceName', type: 'string', cell: (o) => o.spec.workspaceName },
  { name: 'Revision', type: 'integer', cell: (o) => o.spec.revision ?? 0 },
  { name: 'Repository', type: 'string', cell: (o) => o.spec.repository },
  { name: 'Files', type: 'integer', cell: (o) => Object.keys(o.spec.resources).length },
];
