/** Storage of package revisions (table `package_revisions`): create with files, read, compare-and-set, delete. */
import type { Queryable } from '../db/queryable.js';
import { withSqlErrors } from '../db/sql-errors.js';
import { packageRevisionName } from '../names.js';
import { REVISION_COLUMNS, revisionColumns, revisionInsert, setList } from './package-revision-columns.js';
import { checkRevisionNames } from './validate-input.js';
import { ensurePackage } from './packages.js';
import { insertFiles } from './resources.js';
import { deleteRow, throwCasMiss, versionParam } from './sql.js';
import type { PackageRevisionChanges } from './package-revision-columns.js';
import { inTransaction, type Transactional } from './transaction.js';
import {
  refs,
  type Condition,
  type Files,
  type Lifecycle,
  type Lock,
  type PackageRevisionRow,
  type PackageRevisionSpec,
  type StoredMeta,
  type Task,
} from './types.js';

/** A revision to create; the name, package and uid are derived (docs/porch-semantics.md §3). */
export interface NewPackageRevision {
  namespace: string;
  repository: string;
  packagePath: string;
  workspace: string;
  /** Default 0 (Draft/Proposed); -1 or N > 0 for published rows. */
  revision?: number;
  /** Default Draft. */
  lifecycle?: Lifecycle;
  meta?: StoredMeta;
  spec?: PackageRevisionSpec;
  tasks?: Task[];
  selfLock?: Lock | null;
  upstreamLock?: Lock | null;
  conditions?: Condition[];
  publishedBy?: string | null;
  publishTimestamp?: Date | null;
  updatedBy: string;
}

export type { PackageRevisionChanges } from './package-revision-columns.js';

/** Inserts one revision row (package row must exist); used inside the write transactions. */
export async function insertRevisionRow(q: Queryable, r: NewPackageRevision, pkg: string): Promise<PackageRevisionRow> {
  const insert = revisionInsert({
    ...r,
    name: packageRevisionName(r.repository, r.packagePath, r.workspace),
    package: pkg,
    revision: r.revision ?? 0,
    lifecycle: r.lifecycle ?? 'Draft',
    publishedBy: r.publishedBy ?? null,
    publishTimestamp: r.publishTimestamp ?? null,
  });
  const { rows } = await q.query<PackageRevisionRow>(
    `insert into package_revisions (${insert.columns}) values (${insert.values}) returning ${REVISION_COLUMNS}`,
    insert.params,
  );
  return rows[0]!;
}

/**
 * Creates a revision with its files in one transaction (package row created when missing). 409 when the name or
 * the revision number is taken; 422 when a storage rule refuses it (e.g. an unsafe file path).
 */
export async function createPackageRevision(
  db: Transactional,
  input: NewPackageRevision,
  files: Files,
): Promise<PackageRevisionRow> {
  checkRevisionNames(input);
  const name = packageRevisionName(input.repository, input.packagePath, input.workspace);
  const subject = {
    ref: refs.packageRevision(name),
    parent: refs.repository(input.repository),
    revision: input.revision,
  };
  return withSqlErrors(subject, () =>
    inTransaction(db, async (tx) => {
      const pkg = await ensurePackage(tx, input.namespace, input.repository, input.packagePath, input.updatedBy);
      const row = await insertRevisionRow(tx, input, pkg);
      await insertFiles(tx, input.namespace, name, files);
      return row;
    }),
  );
}

/** One revision, or undefined. */
export async function getPackageRevision(
  q: Queryable,
  namespace: string,
  name: string,
): Promise<PackageRevisionRow | undefined> {
  const { rows } = await q.query<PackageRevisionRow>(
    `select ${REVISION_COLUMNS} from package_revisions where namespace = $1 and name = $2`,
    [namespace, name],
  );
  return rows[0];
}

/** One revision with its Repository's deployment flag (`status.deployment`), in one round trip; or undefined. */
export async function getPackageRevisionForRead(
  q: Queryable,
  namespace: string,
  name: string,
): Promise<{ row: PackageRevisionRow; deployment: boolean } | undefined> {
  const { rows } = await q.query<PackageRevisionRow & { deployment: boolean }>(
    `select ${revisionColumns('p')}, coalesce((select r.deployment from repositories r
       where r.namespace = p.namespace and r.name = p.repository), false) as deployment
       from package_revisions p where p.namespace = $1 and p.name = $2`,
    [namespace, name],
  );
  if (!rows[0]) return undefined;
  const { deployment, ...row } = rows[0];
  return { row, deployment };
}

/**
 * Compare-and-set update of a revision: applied only if its resourceVersion is still `expectedResourceVersion`,
 * decided in the UPDATE. Stale → ConflictError, absent → NotFoundError, a forbidden transition → InvalidError.
 * Every update, even one without changes, gives the row a new resourceVersion.
 */
export async function updatePackageRevision(
  q: Queryable,
  namespace: string,
  name: string,
  expectedResourceVersion: string,
  changes: PackageRevisionChanges,
  updatedBy: string,
): Promise<PackageRevisionRow> {
  const ref = refs.packageRevision(name);
  return withSqlErrors({ ref, revision: changes.revision }, async () => {
    const values: unknown[] = [namespace, name, versionParam(expectedResourceVersion), updatedBy];
    const sets = ['updated_by = $4', ...setList(changes, values)];
    const { rows } = await q.query<PackageRevisionRow>(
      `update package_revisions set ${sets.join(', ')} where namespace = $1 and name = $2 and resource_version = $3
       returning ${REVISION_COLUMNS}`,
      values,
    );
    if (!rows[0]) return throwCasMiss(q, 'package_revisions', namespace, name, ref);
    // The latest flag of this row may have been moved by the trigger after RETURNING was built.
    return changes.revision !== undefined ? (await getPackageRevision(q, namespace, name))! : rows[0];
  });
}

/**
 * Deletes a revision with its files; the database moves the latest flag and removes the package with its last
 * revision. With `expectedResourceVersion`, only if unchanged. Returns the row as it was.
 */
export async function deletePackageRevision(
  q: Queryable,
  namespace: string,
  name: string,
  expectedResourceVersion?: string,
): Promise<PackageRevisionRow> {
  return deleteRow<PackageRevisionRow>(
    q,
    'package_revisions',
    REVISION_COLUMNS,
    namespace,
    name,
    expectedResourceVersion,
    refs.packageRevision(name),
  );
}

export {
  findUpstreamReferences,
  getPackageRevisions,
  listRevisionsOfPackage,
  nextRevisionNumber,
} from './package-revision-lookups.js';
