/**
 * What repository sync needs (docs/porch-behaviour.md §8.2): the stored published keys of a repository, storing
 * discovered revisions (insert, or update the row with the same name), and deleting many revisions at once.
 */
import type { Queryable } from '../db/queryable.js';
import { withSqlErrors } from '../db/sql-errors.js';
import { packageRevisionName, packageRevisionUid } from '../names.js';
import { REVISION_COLUMNS } from './package-revision-columns.js';
import { ensurePackage } from './packages.js';
import { insertFiles } from './resources.js';
import { json } from './sql.js';
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
  /** Empty for imports (docs/porch-behaviour.md §12); the service identity in deployment repositories. */
  publishedBy?: string;
  /** Default: now (import time, docs/porch-behaviour.md §12). */
  publishTimestamp?: Date;
  files: Files;
}

/** The Published and DeletionProposed revisions stored for a repository (by the repository index). */
export async function listPublishedKeys(q: Queryable, namespace: string, repository: string): Promise<PublishedKey[]> {
  const { rows } = await q.query<PublishedKey>(
    `select name, package_path as "packagePath", workspace, revision, lifecycle from package_revisions
      where namespace = $1 and repository = $2 and lifecycle in ('Published', 'DeletionProposed')
      order by name`,
    [namespace, repository],
  );
  return rows;
}

async function storeOne(tx: Queryable, ns: string, repo: string, d: DiscoveredRevisionInput, updatedBy: string) {
  const pkg = await ensurePackage(tx, ns, repo, d.packagePath, updatedBy);
  const name = packageRevisionName(repo, d.packagePath, d.workspace);
  const { rows } = await tx.query<PackageRevisionRow>(
    `insert into package_revisions (namespace, name, package, repository, package_path, workspace, revision, lifecycle,
       uid, spec, tasks, self_lock, upstream_lock, conditions, published_by, publish_timestamp, updated_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb, $12::jsonb, $13::jsonb, $14::jsonb, $15,
       coalesce($16, clock_timestamp()), $17)
     on conflict (namespace, name) do update set revision = excluded.revision, lifecycle = excluded.lifecycle,
       spec = excluded.spec, tasks = excluded.tasks, self_lock = excluded.self_lock,
       upstream_lock = excluded.upstream_lock, conditions = excluded.conditions, published_by = excluded.published_by,
       publish_timestamp = excluded.publish_timestamp, updated_by = excluded.updated_by
     returning ${REVISION_COLUMNS}`,
    [
      ns,
      name,
      pkg,
      repo,
      d.packagePath,
      d.workspace,
      d.revision,
      d.lifecycle,
      packageRevisionUid(ns, name),
      json(d.spec ?? {}),
      json(d.tasks),
      json(d.selfLock),
      json(d.upstreamLock ?? null),
      json(d.conditions ?? []),
      d.publishedBy ?? '',
      d.publishTimestamp ?? null,
      updatedBy,
    ],
  );
  await tx.query(`delete from resources where namespace = $1 and package_revision = $2`, [ns, name]);
  await insertFiles(tx, ns, name, d.files);
  return rows[0]!;
}

/**
 * Stores discovered revisions with their files in one transaction: each is inserted, or updates the row that
 * already has its name (docs/porch-behaviour.md §8.2; the storage rules still apply, e.g. a Draft cannot become
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
 * Deletes revisions by name in one statement (files cascade; latest flags move; packages left without revisions
 * go). Returns the names actually deleted.
 */
export async function deleteRevisions(q: Queryable, namespace: string, names: string[]): Promise<string[]> {
  if (names.length === 0) return [];
  const { rows } = await q.query<{ name: string }>(
    `delete from package_revisions where namespace = $1 and name = any($2::text[]) returning name`,
    [namespace, names],
  );
  return rows.map((r) => r.name);
}
