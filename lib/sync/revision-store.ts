import type { Database } from '../db/pool.js';
import type { Queryable } from '../db/queryable.js';
import type { DiscoveredRevision } from '../git/types.js';
import { deriveKptfileFields } from '../kpt/kptfile-read.js';
import { insertDiscoveredRevision, type DiscoveredRevisionInput } from '../storage/revision-sync.js';
import type { PackageRevisionSpec, RepositoryRow } from '../storage/types.js';

/** Who sync's writes are recorded as (updated_by). */
export const SYNC_USER = 'porch-sync';

/**
 * Stores one discovered revision with all its files (one transaction): inserted, or written over the row of the
 * same name (a Proposed row whose publish lost its database write becomes Published N, §8.2; the storage rules
 * refuse anything else). `keepLifecycle` is given when refreshing a stored revision's content: its lifecycle is
 * the database's (Published ⇄ DeletionProposed changes made through the API persist, §8.3).
 */
export async function writeDiscoveredRevision(
  db: Database,
  repo: RepositoryRow,
  rev: DiscoveredRevision,
  keepLifecycle?: 'Published' | 'DeletionProposed',
): Promise<void> {
  const kpt = deriveKptfileFields(rev.files);
  const spec: PackageRevisionSpec = {};
  if (Object.keys(kpt.packageMetadata).length > 0) spec.packageMetadata = kpt.packageMetadata;
  if (kpt.readinessGates.length > 0) spec.readinessGates = kpt.readinessGates;
  const input: DiscoveredRevisionInput = {
    packagePath: rev.packagePath,
    workspace: rev.workspace,
    revision: rev.revision,
    lifecycle: keepLifecycle ?? rev.lifecycle,
    tasks: rev.tasks,
    selfLock: { type: 'git', git: { repo: repo.repoUrl, directory: rev.packagePath, ref: rev.ref, commit: rev.commit } },
    upstreamLock: kpt.upstreamLock,
    conditions: kpt.conditions,
    spec,
    files: rev.files,
  };
  await insertDiscoveredRevision(db, repo.namespace, repo.name, input, SYNC_USER);
}

/**
 * Points every placeholder's self lock at the branch head: a placeholder mirrors the package on the head, so its
 * lock names the head commit, as a sync from scratch would. One statement, only rows that differ.
 */
export async function movePlaceholderLocks(q: Queryable, repo: RepositoryRow, commit: string): Promise<void> {
  await q.query(
    `update package_revisions set self_lock = jsonb_set(self_lock, '{git,commit}', to_jsonb($4::text)), updated_by = $5
      where namespace = $1 and repository = $2 and revision = -1 and workspace = $3
        and self_lock is not null and self_lock -> 'git' ->> 'commit' is distinct from $4`,
    [repo.namespace, repo.name, repo.branch, commit, SYNC_USER],
  );
}
