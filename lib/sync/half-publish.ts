/**
 * A publish whose tag reached git but whose branch did not (a crash between the two pushes of the ordered
 * fallback, docs/publish.md) is completed by sync: the sync that turns its Proposed row into Published N brings the
 * revision onto the branch, and while that fails the Repository status lists it as pending and every following sync
 * tries again until it is done.
 */
import type { Database } from '../db/pool.js';
import type { DiscoveredRevision, RemoteSpec } from '../git/index.js';
import { logger } from '../log.js';
import { packageRevisionName } from '../names.js';
import { getPackageRevisions } from '../storage/package-revisions.js';
import type { RepositoryRow } from '../storage/types.js';
import type { SyncGit } from './sync-git.js';
import type { SkippedRef as ReportedSkip } from '../storage/types.js';

/** A published revision whose branch half is still to be pushed. */
type OwedPublish = NonNullable<ReportedSkip['publish']>;

/** The package revision name a discovered revision is stored under. */
export const nameOf = (repo: RepositoryRow, r: DiscoveredRevision) =>
  packageRevisionName(repo.name, r.packagePath, r.workspace);

/** Names among the revisions about to be written that are stored as Proposed (their publish was cut short). */
export async function proposedNames(
  db: Database,
  repo: RepositoryRow,
  revisions: DiscoveredRevision[],
): Promise<Set<string>> {
  if (revisions.length === 0) return new Set();
  const rows = await getPackageRevisions(
    db,
    repo.namespace,
    revisions.map((r) => nameOf(repo, r)),
  );
  return new Set(rows.filter((r) => r.lifecycle === 'Proposed').map((r) => r.name));
}

/**
 * Pushes the branch half of the owed publishes. Answers how many moved the branch, and a pending skip (carrying the
 * publish, so the next sync retries it) for each one that failed.
 */
export async function completeHalfPublishes(
  git: SyncGit,
  remote: RemoteSpec,
  repo: RepositoryRow,
  owed: { ref: string; publish: OwedPublish }[],
): Promise<{ completed: number; pending: ReportedSkip[] }> {
  let completed = 0;
  const pending: ReportedSkip[] = [];
  if (!git.completePublish) return { completed, pending };
  const seen = new Set<string>();
  for (const { ref, publish } of owed) {
    if (seen.has(ref)) continue;
    seen.add(ref);
    try {
      const done = await git.completePublish(remote, publish);
      if (done.updated) completed += 1;
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      logger.warn('could not complete a half-done publish on the branch', {
        namespace: repo.namespace,
        repository: repo.name,
        ...publish,
        error,
      });
      const reason = `revision ${publish.revision} of "${publish.packagePath}" is published but not yet on branch "${repo.branch}" (retried by the next sync): ${error}`;
      pending.push({ ref, reason, pending: true, publish });
    }
  }
  return { completed, pending };
}
