/**
 * A publish pushes its tag first, then the branch (lib/git). When the process dies in between, the next sync finds
 * the tag, turns the Proposed row into Published N, and brings the revision onto the branch here.
 */
import type { Database } from '../db/pool.js';
import type { DiscoveredRevision, RemoteSpec } from '../git/index.js';
import { packageRevisionName } from '../names.js';
import { getPackageRevisions } from '../storage/package-revisions.js';
import type { RepositoryRow } from '../storage/types.js';
import type { SyncGit } from './sync-repository.js';

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

/** Pushes the branch half of a publish that died after its tag; a failure is logged, the next publish retries it. */
export async function completeHalfPublish(
  git: SyncGit,
  remote: RemoteSpec,
  repo: RepositoryRow,
  rev: DiscoveredRevision,
) {
  if (!git.completePublish) return;
  try {
    await git.completePublish(remote, { packagePath: rev.packagePath, revision: rev.revision });
  } catch (err) {
    console.warn(
      JSON.stringify({
        level: 'warn',
        msg: 'could not complete a half-done publish on the branch',
        namespace: repo.namespace,
        repository: repo.name,
        packagePath: rev.packagePath,
        revision: rev.revision,
        error: (err as Error).message,
      }),
    );
  }
}
