/**
 * What repository sync needs (docs/porch-semantics.md §8.2): the stored published keys of a repository, storing
 * discovered revisions (insert, or update the row with the same name), and deleting many revisions at once.
 */
import type { Queryable } from '../db/queryable.js';
import { withSqlErrors } from '../db/sql-errors.js';
import { packageName, packageRevisionName, packageRevisionUid, packageUid } from '../names.js';
import { REVISION_COLUMNS, REVISION_INSERT_COLUMNS, revisionInsert } from './package-revision-columns.js';
import { ensurePackage, PACKAGE_INSERT_COLUMNS } from './packages.js';
import { getResources, insertFiles, RESOURCE_INSERT_COLUMNS } from './resources.js';
import { ConflictError } from '../errors.js';
import { insertList, json } from './sql.js';
import { checkRevisionNames } from './validate-input.js';
import { inTransaction, type Transactional } from './transaction.js';
import {
  refs,
  type Condition,
  type Files,
  type Lock,
  type PackageRevisionRow,
  type PackageRevisionSpec,
  type Task,
} from './types.js';

/** The identity of a stored published revision, as sync compares it. */
export interface PublishedKey {
  name: string;
  packagePath: string;
  workspace: string;
  revision: number;
  lifecycle: 'Published' | 'DeletionProposed';
  /** As read: a sync's delete or refresh applies only while the row still has it. */
  resourceVersion: string;
}

/** A revision found in git, ready to store. */
export interface DiscoveredRevisionInput {
  packagePath: string;
  workspace: string;
  revision: number;
  lifecycle: 'Published' | 'DeletionProposed';
  tasks: Task[];
  selfLock: Lock | null;
  upstreamLock?: Lock | null;
  conditions?: Condition[];
  spec?: PackageRevisionSpec;
  /** Empty for imports (docs/porch-semantics.md §12); the service identity in deployment repositories. */
  publishedBy?: string;
  /** Default: now (import time, docs/porch-semantics.md §12). */
  publishTimestamp?: Date;
  files: Files;
  /**
   * Set to refresh a stored row: written only while the row still has this resourceVersion. Unset for a revision
   * new to the database: inserted, or publishing a Proposed row with exactly these files (a cut-short publish).
   */
  expectedResourceVersion?: string;
}

/** The Published and DeletionProposed revisions stored for a repository (by the repository index). */
export async function listPublishedKeys(q: Queryable, namespace: string, repository: string): Promise<PublishedKey[]> {
  const { rows } = await q.query<PublishedKey>(
    `select name, package_path as "packagePath", workspace, revision, lifecycle, resource_version::text as "resourceVersion"
       from package_revisions
      where namespace = $1 and repository = $2 and lifecycle in ('Published', 'DeletionProposed')
      order by name`,
    [namespace, repository],
  );
  return rows;
}

const sameFiles = (a: Files, b: Files) =>
  Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((k) => Object.hasOwn(b, k) && a[k] === b[k]);

/**
 * Sync writes only what it read: a refresh only over the row version it read; a new revision only where no row is,
 * or over a Proposed row holding exactly git's files (its publish was cut short). A Draft is left to the storage
 * rules. Anything else changed after the sync's read: 409, reported, and the next sync looks again.
 */
async function checkWritable(tx: Queryable, ns: string, name: string, d: DiscoveredRevisionInput) {
  const ref = refs.packageRevision(name);
  const { rows } = await tx.query<{ lifecycle: string; rv: string }>(
    `select lifecycle, resource_version::text as rv from package_revisions where namespace = $1 and name = $2
        for update`,
    [ns, name],
  );
  const existing = rows[0];
  if (d.expectedResourceVersion !== undefined) {
    if (existing?.rv !== d.expectedResourceVersion)
      throw new ConflictError(ref, 'the package revision changed after the sync read it');
    return;
  }
  if (!existing || existing.lifecycle === 'Draft') return;
  if (existing.lifecycle !== 'Proposed')
    throw new ConflictError(ref, `it was stored as ${existing.lifecycle} after the sync read the database`);
  if (!sameFiles(await getResources(tx, ns, name), d.files))
    throw new ConflictError(ref, `it is Proposed with other files than git's ${d.selfLock?.git?.ref ?? 'tag'}`);
}

async function storeOne(tx: Queryable, ns: string, repo: string, d: DiscoveredRevisionInput, updatedBy: string) {
  const name = packageRevisionName(repo, d.packagePath, d.workspace);
  await checkWritable(tx, ns, name, d);
  const pkg = await ensurePackage(tx, ns, repo, d.packagePath, updatedBy);
  const insert = revisionInsert({
    ...d,
    namespace: ns,
    name,
    package: pkg,
    repository: repo,
    publishedBy: d.publishedBy ?? '',
    publishTimestamp: d.publishTimestamp ?? 'now',
    updatedBy,
  });
  const { rows } = await tx.query<PackageRevisionRow>(
    `insert into package_revisions (${insert.columns}) values (${insert.values})
     on conflict (namespace, name) do update set revision = excluded.revision, lifecycle = excluded.lifecycle,
       spec = excluded.spec, tasks = excluded.tasks, self_lock = excluded.self_lock,
       upstream_lock = excluded.upstream_lock, conditions = excluded.conditions, published_by = excluded.published_by,
       publish_timestamp = excluded.publish_timestamp, updated_by = excluded.updated_by
     returning ${REVISION_COLUMNS}`,
    insert.params,
  );
  await tx.query(`delete from resources where namespace = $1 and package_revision = $2`, [ns, name]);
  await insertFiles(tx, ns, name, d.files);
  return rows[0]!;
}

/**
 * Stores discovered revisions with their files in one transaction: each is inserted, or updates the row that
 * already has its name (docs/porch-semantics.md §8.2; the storage rules still apply, e.g. a Draft cannot become
 * Published/3 → 422). Returns the stored rows (their `latest` flag as of before later rows of the batch).
 */
export async function insertDiscoveredRevisions(
  db: Transactional,
  namespace: string,
  repository: string,
  revisions: DiscoveredRevisionInput[],
  updatedBy: string,
): Promise<PackageRevisionRow[]> {
  return inTransaction(db, async (tx) => {
    const stored: PackageRevisionRow[] = [];
    for (const d of revisions) {
      const name = packageRevisionName(repository, d.packagePath, d.workspace);
      checkRevisionNames({ repository, ...d });
      const subject = { ref: refs.packageRevision(name), parent: refs.repository(repository), revision: d.revision };
      stored.push(await withSqlErrors(subject, () => storeOne(tx, namespace, repository, d, updatedBy)));
    }
    return stored;
  });
}

/** One discovered revision (see insertDiscoveredRevisions). */
export async function insertDiscoveredRevision(
  db: Transactional,
  namespace: string,
  repository: string,
  revision: DiscoveredRevisionInput,
  updatedBy: string,
): Promise<PackageRevisionRow> {
  return (await insertDiscoveredRevisions(db, namespace, repository, [revision], updatedBy))[0]!;
}

/**
 * Deletes revisions in one statement, each only while it still has the resourceVersion the sync read (a row
 * deleted and created again, edited or published since is kept). Files cascade; latest flags move; packages left
 * without revisions go. Returns the names actually deleted.
 */
export async function deleteRevisions(
  q: Queryable,
  namespace: string,
  observed: Pick<PublishedKey, 'name' | 'resourceVersion'>[],
): Promise<string[]> {
  if (observed.length === 0) return [];
  const { rows } = await q.query<{ name: string }>(
    `delete from package_revisions p using unnest($2::text[], $3::bigint[]) as o(name, rv)
      where p.namespace = $1 and p.name = o.name and p.resource_version = o.rv returning p.name`,
    [namespace, observed.map((o) => o.name), observed.map((o) => o.resourceVersion)],
  );
  return rows.map((r) => r.name);
}

/**
 * Inserts many new discovered revisions with their files in one transaction of three set-based statements
 * (packages, revisions, resources), instead of four statements per revision: a first sync of thousands of
 * revisions is bound by round trips. Plain inserts: a name that exists fails the whole batch with a constraint
 * error, and the caller falls back to the one-by-one upsert that handles it.
 */
export async function bulkInsertRevisions(
  db: Transactional,
  namespace: string,
  repository: string,
  inputs: DiscoveredRevisionInput[],
  updatedBy: string,
): Promise<void> {
  const names = inputs.map((d) => packageRevisionName(repository, d.packagePath, d.workspace));
  const pkgs = inputs.map((d) => packageName(repository, d.packagePath));
  const files = inputs.flatMap((d, i) =>
    Object.entries(d.files).map(([path, content]) => [names[i]!, path, content] as const),
  );
  const packageRows = insertList(PACKAGE_INSERT_COLUMNS, {
    namespace: '$1',
    name: 'n',
    repository: '$2',
    path: 'p',
    uid: 'u::uuid',
    updated_by: '$3',
  });
  const revisionRows = insertList(REVISION_INSERT_COLUMNS, {
    namespace: '$1',
    name: 'n',
    package: 'pk',
    repository: '$2',
    package_path: 'pp',
    workspace: 'ws',
    revision: 'rv',
    lifecycle: 'lc',
    uid: 'u::uuid',
    meta: `'{}'::jsonb`,
    spec: 'sp::jsonb',
    tasks: 'tk::jsonb',
    self_lock: 'sl::jsonb',
    upstream_lock: 'ul::jsonb',
    conditions: 'cd::jsonb',
    published_by: `''`,
    publish_timestamp: 'clock_timestamp()',
    updated_by: '$3',
  });
  const fileRows = insertList(RESOURCE_INSERT_COLUMNS, {
    namespace: '$1',
    package_revision: 'n',
    path: 'p',
    content: 'c',
  });
  await inTransaction(db, async (tx) => {
    const uniquePkgs = [...new Map(inputs.map((d, i) => [pkgs[i]!, d.packagePath])).entries()];
    await tx.query(
      `insert into packages (${packageRows.columns})
       select ${packageRows.values} from unnest($4::text[], $5::text[], $6::text[]) as t(n, p, u)
       on conflict (namespace, name) do nothing`,
      [
        namespace,
        repository,
        updatedBy,
        uniquePkgs.map(([n]) => n),
        uniquePkgs.map(([, p]) => p),
        uniquePkgs.map(([n]) => packageUid(namespace, n)),
      ],
    );
    await tx.query(
      `insert into package_revisions (${revisionRows.columns})
       select ${revisionRows.values}
         from unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::text[], $10::text[], $11::text[],
                     $12::text[], $13::text[], $14::text[], $15::text[]) as t(n, pk, pp, ws, rv, lc, u, sp, tk, sl, ul, cd)`,
      [
        namespace,
        repository,
        updatedBy,
        names,
        pkgs,
        inputs.map((d) => d.packagePath),
        inputs.map((d) => d.workspace),
        inputs.map((d) => d.revision),
        inputs.map((d) => d.lifecycle),
        names.map((n) => packageRevisionUid(namespace, n)),
        inputs.map((d) => json(d.spec ?? {})),
        inputs.map((d) => json(d.tasks)),
        inputs.map((d) => json(d.selfLock)),
        inputs.map((d) => json(d.upstreamLock ?? null)),
        inputs.map((d) => json(d.conditions ?? [])),
      ],
    );
    if (files.length > 0) {
      await tx.query(
        `insert into resources (${fileRows.columns})
         select ${fileRows.values} from unnest($2::text[], $3::text[], $4::text[]) as t(n, p, c)`,
        [namespace, files.map((f) => f[0]), files.map((f) => f[1]), files.map((f) => f[2])],
      );
    }
  });
}
