/**
 * The four watchable resources: how each lists its current state (the watch's initial events), which change-log
 * kind feeds it, and how a batch of changes becomes its API objects (the same conversions GET and list use).
 */
import type { Queryable } from '../../db/queryable.js';
import type { TableColumn } from '../../contract/table.js';
import type { SelectorKind } from '../../selectors/field-selector.js';
import {
  packageChanges,
  repositoryChanges,
  revisionChanges,
  type ChangeEntry,
  type ChangeKind,
} from '../../storage/change-log.js';
import { listPackages } from '../../storage/packages.js';
import { getResourcesOf } from '../../storage/resources.js';
import type { Files, ListOptions, Page, PackageRevisionRow } from '../../storage/types.js';
import { PACKAGE_API_VERSION, packageColumns, toPackageObject } from '../packages/package-object.js';
import { API_VERSION } from '../package-revisions/refs.js';
import { deploymentFlags } from '../../storage/repositories.js';
import { listRevisions } from '../package-revisions/read.js';
import { resourcesColumns, revisionColumns } from '../package-revisions/table.js';
import { toPackageRevision } from '../package-revisions/to-object.js';
import { listRepositoryObjects } from '../repositories/list-objects.js';
import { repositoryColumns, toRepositoryObject } from '../repositories/repository-object.js';
import { REPOSITORY_API_VERSION } from '../repositories/repository-request.js';
import { listRevisionResources } from '../resources/read.js';
import { toResources } from '../resources/to-object.js';
import type { ChangeBatch } from './change-batch.js';

export interface ApiObject {
  apiVersion: string;
  kind: string;
  metadata: Record<string, unknown>;
}

export interface WatchedResource {
  name: SelectorKind;
  changeKind: ChangeKind;
  apiVersion: string;
  kind: string;
  columns: TableColumn<ApiObject>[];
  listPage(q: Queryable, options: ListOptions): Promise<Page<ApiObject>>;
  /** The objects of the batch's changes of this resource, by change version. */
  objects(batch: ChangeBatch): Promise<Map<string, ApiObject>>;
}

/** A deleted object carries the version of its deletion, as Kubernetes reports it. */
function atVersion<T extends ApiObject>(entry: ChangeEntry, object: T): T {
  if (entry.type !== 'DELETED') return object;
  return { ...object, metadata: { ...object.metadata, resourceVersion: entry.resourceVersion } };
}

async function build<R, T extends ApiObject>(
  batch: ChangeBatch,
  kind: ChangeKind,
  rows: Map<string, R>,
  convert: (row: R) => T,
): Promise<Map<string, ApiObject>> {
  const out = new Map<string, ApiObject>();
  for (const entry of batch.entries) {
    const row = entry.kind === kind ? rows.get(entry.resourceVersion) : undefined;
    if (row) out.set(entry.resourceVersion, atVersion(entry, convert(row)));
  }
  return out;
}

const revisionRows = (batch: ChangeBatch) =>
  batch.once('rows:PackageRevision', () => revisionChanges(batch.db, batch.versionsOf('PackageRevision')));

async function revisionObjects(batch: ChangeBatch) {
  const rows = await revisionRows(batch);
  const flags = await deploymentFlags(batch.db, [...rows.values()]);
  return build(batch, 'PackageRevision', rows, (row) =>
    toPackageRevision(row, flags.has(`${row.namespace}/${row.repository}`)),
  );
}

// The files are read as they are now: resources share their revision's rows and are not kept in the log.
async function resourcesObjects(batch: ChangeBatch) {
  const rows = await revisionRows(batch);
  const byNamespace = new Map<string, string[]>();
  for (const r of rows.values()) byNamespace.set(r.namespace, [...(byNamespace.get(r.namespace) ?? []), r.name]);
  const files = new Map<string, Files>();
  for (const [ns, names] of byNamespace) {
    for (const [name, f] of await getResourcesOf(batch.db, ns, names)) files.set(`${ns}/${name}`, f);
  }
  return build(batch, 'PackageRevision', rows, (row: PackageRevisionRow) =>
    toResources(row, files.get(`${row.namespace}/${row.name}`) ?? {}),
  );
}

const table = <T>(columns: TableColumn<T>[]) => columns as unknown as TableColumn<ApiObject>[];

export const watchedResources: Record<SelectorKind, WatchedResource> = {
  packagerevisions: {
    name: 'packagerevisions',
    changeKind: 'PackageRevision',
    apiVersion: API_VERSION,
    kind: 'PackageRevision',
    columns: table(revisionColumns),
    listPage: listRevisions,
    objects: (batch) => batch.once('objects:packagerevisions', () => revisionObjects(batch)),
  },
  packagerevisionresources: {
    name: 'packagerevisionresources',
    changeKind: 'PackageRevision',
    apiVersion: API_VERSION,
    kind: 'PackageRevisionResources',
    columns: table(resourcesColumns),
    listPage: listRevisionResources,
    objects: (batch) => batch.once('objects:packagerevisionresources', () => resourcesObjects(batch)),
  },
  packages: {
    name: 'packages',
    changeKind: 'PorchPackage',
    apiVersion: PACKAGE_API_VERSION,
    kind: 'PorchPackage',
    columns: table(packageColumns),
    listPage: async (q, options) => {
      const page = await listPackages(q, options);
      return { items: page.items.map(toPackageObject), continue: page.continue };
    },
    objects: (batch) =>
      batch.once('objects:packages', async () =>
        build(batch, 'PorchPackage', await packageChanges(batch.db, batch.versionsOf('PorchPackage')), toPackageObject),
      ),
  },
  repositories: {
    name: 'repositories',
    changeKind: 'Repository',
    apiVersion: REPOSITORY_API_VERSION,
    kind: 'Repository',
    columns: table(repositoryColumns),
    listPage: listRepositoryObjects,
    objects: (batch) =>
      batch.once('objects:repositories', async () =>
        build(batch, 'Repository', await repositoryChanges(batch.db, batch.versionsOf('Repository')), (c) =>
          toRepositoryObject(c.row, c.sync),
        ),
      ),
  },
};
