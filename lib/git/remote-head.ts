import git from 'isomorphic-git';
import type { LocalRepo } from './local-repo.js';

/**
 * Records `oid` as the remote branch head in the scratch repository. isomorphic-git then leaves the objects of that
 * commit out of the pack it pushes (a thin pack), so a publish sends only the changed package, not the whole tree.
 */
export async function markRemoteHead(repo: LocalRepo, branch: string, oid: string): Promise<void> {
  const base = { fs: repo.fs, gitdir: repo.gitdir, force: true };
  await git.writeRef({ ...base, ref: `refs/remotes/origin/${branch}`, value: oid });
  await git.writeRef({ ...base, ref: 'refs/remotes/origin/HEAD', value: `refs/remotes/origin/${branch}`, symbolic: true });
}

/** Reads a fetched commit. */
export async function readCommitObject(repo: LocalRepo, oid: string) {
  return (await git.readCommit({ fs: repo.fs, gitdir: repo.gitdir, oid, cache: repo.cache })).commit;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
