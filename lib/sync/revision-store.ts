import type { Database } from '../db/pool.js';
import type { Queryable } from '../db/queryable.js';
import type { DiscoveredRevision } from '../git/types.js';
import { deriveKptfileFields } from '../kpt/kptfile-read.js';
import { packageName, packageRevisionName, packageRevisionUid, packageUid } from '../names.js';
import type { Lifecycle, RepositoryRow } from '../storage/types.js';

/** A stored revision of the repository, as sync compares it. */
export interface StoredRevision {
  name: string;
  packagePath: string;
  revision: number;
  workspace: string;
  lifecycle: Lifecycle;
}

/** Every revision row of a repository (all lifecycles: drafts matter for name collisions), keys only. */
export async function loadRepositoryRevisions(q: Queryable, namespace: string, repository: string): Promise<StoredRevision[]> {
  const { rows } = await q.query(
    `select name, package_path, revision, workspace, lifecycle from package_revisions
      where namespace = $1 and repository = $2`,
    [namespace, repository],
  );
  return rows.map((r) => ({
    name: r.name,
    packagePath: r.package_path,
    revision: r.revision,
    workspace: r.workspace,
    lifecycle: r.lifecycle,
  }));
}

/** Deletes revisions that vanished from git (only Published/DeletionProposed ones: drafts are never git's). */
export async function deleteSyncedRevisions(q: Queryable, namespace: string, names: string[]): Promise<number> {
  if (names.length === 0) return 0;
  const { rowCount } = await q.query(
    `delete from package_revisions where namespace = $1 and name = any($2::text[])
        and lifecycle in ('Published', 'DeletionProposed')`,
    [namespace, names],
  );
  return rowCount ?? 0;
}

/**
 * How a discovered revision is written: `insert` a new row; `promote` the Proposed row of the same name (a publish
 * whose database write was lost after its push, §8.2); `refresh` an existing row's git content after its ref moved.
 */
export type WriteMode = 'insert' | 'promote' | 'refresh';

/** Writes one discovered revision with all its files in one transaction. */
export async function writeDiscoveredRevision(
  db: Database,
  repo: RepositoryRow,
  rev: DiscoveredRevision,
  mode: WriteMode,
): Promise<void> {
  const ns = repo.namespace;
  const pkg = packageName(repo.name, rev.packagePath);
  const name = packageRevisionName(repo.name, rev.packagePath, rev.workspace);
  const kpt = deriveKptfileFields(rev.files);
  const spec: Record<string, unknown> = {};
  if (Object.keys(kpt.packageMetadata).length > 0) spec.packageMetadata = kpt.packageMetadata;
  if (kpt.readinessGates.length > 0) spec.readinessGates = kpt.readinessGates;
  const selfLock = { type: 'git', git: { repo: repo.repoUrl, directory: rev.packagePath, ref: rev.ref, commit: rev.commit } };
  const paths = Object.keys(rev.files).sort();
  await db.transaction(async (c) => {
    if (mode === 'insert') {
      await c.query(
        `insert into packages (namespace, name, repository, path, uid, updated_by) values ($1, $2, $3, $4, $5, 'porch-sync')
         on conflict (namespace, name) do nothing`,
        [ns, pkg, repo.name, rev.packagePath, packageUid(ns, pkg)],
      );
      await c.query(
        `insert into package_revisions (namespace, name, package, repository, package_path, workspace, revision, lifecycle,
                uid, spec, tasks, self_lock, upstream_lock, conditions, updated_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'porch-sync')`,
        [ns, name, pkg, repo.name, rev.packagePath, rev.workspace, rev.revision, rev.lifecycle, packageRevisionUid(ns, name),
          JSON.stringify(spec), JSON.stringify(rev.tasks), JSON.stringify(selfLock), JSON.stringify(kpt.upstreamLock),
          JSON.stringify(kpt.conditions)],
      );
    } else {
      // promote: (0, Proposed) → (N, lifecycle), which the transition trigger allows; refresh keeps revision/lifecycle.
      const { rowCount } = await c.query(
        `update package_revisions
            set revision = $3, lifecycle = case when $7 then $4 else lifecycle end,
                spec = (spec - 'packageMetadata' - 'readinessGates') || $5::jsonb, tasks = $6,
                self_lock = $8, upstream_lock = $9, conditions = $10,
                publish_timestamp = case when $7 then coalesce(publish_timestamp, clock_timestamp()) else publish_timestamp end,
                updated_by = 'porch-sync'
          where namespace = $1 and name = $2 and (case when $7 then lifecycle = 'Proposed' else revision = $3 end)`,
        [ns, name, rev.revision, rev.lifecycle, JSON.stringify(spec), JSON.stringify(rev.tasks), mode === 'promote',
          JSON.stringify(selfLock), JSON.stringify(kpt.upstreamLock), JSON.stringify(kpt.conditions)],
      );
      if (rowCount !== 1) throw new Error(`package revision ${name} changed while it was being synced`);
      await c.query('delete from resources where namespace = $1 and package_revision = $2', [ns, name]);
    }
    await c.query(
      `insert into resources (namespace, package_revision, path, content)
       select $1, $2, p, c from unnest($3::text[], $4::text[]) as f(p, c)`,
      [ns, name, paths, paths.map((p) => rev.files[p])],
    );
  });
}

/**
 * Points every placeholder's self lock at the branch head: a placeholder mirrors the package on the head, so its
 * lock names the head commit, as a sync from scratch would. One statement, only rows that differ.
 */
export async function movePlaceholderLocks(q: Queryable, repo: RepositoryRow, commit: string): Promise<void> {
  await q.query(
    `update package_revisions set self_lock = jsonb_set(self_lock, '{git,commit}', to_jsonb($4::text)), updated_by = 'porch-sync'
      where namespace = $1 and repository = $2 and revision = -1 and workspace = $3
        and self_lock is not null and self_lock -> 'git' ->> 'commit' is distinct from $4`,
    [repo.namespace, repo.name, repo.branch, commit],
  );
}
