/** Branch bootstrap (porch-behaviour.md §7.6). */
import git from 'isomorphic-git';
import { UnavailableError } from '../errors.js';
import { remoteCall } from './errors.js';
import { listRefsWithPrefix } from './list-remote-refs.js';
import { withLocalRepo } from './local-repo.js';
import { pushRef } from './push-ref.js';
import { HEADS } from './ref-names.js';
import { gitSignature, PORCH_SIGNATURE } from './signature.js';
import { writeFilesTree } from './tree-edit.js';
import type { RemoteSpec } from './types.js';

/**
 * The head of the Repository's branch. When the branch is missing: with createBranch, pushes a root commit with
 * README.md `Created by porch`; otherwise fails with `branch "<B>" doesn't exist`.
 */
export async function ensureBranch(remote: RemoteSpec, createBranch: boolean): Promise<{ head: string; created: boolean }> {
  const ref = HEADS + remote.branch;
  const head = (await listRefsWithPrefix(remote, ref))[ref];
  if (head) return { head, created: false };
  if (!createBranch) throw new UnavailableError(`branch "${remote.branch}" doesn't exist`);
  return remoteCall(remote.url, () =>
    withLocalRepo(remote, async (repo) => {
      const signature = gitSignature(PORCH_SIGNATURE, new Date());
      const commit = await git.writeCommit({
        fs: repo.fs,
        gitdir: repo.gitdir,
        commit: {
          message: 'Initial commit: Creating main branch',
          tree: await writeFilesTree(repo, { 'README.md': 'Created by porch' }),
          parent: [],
          author: signature,
          committer: signature,
        },
      });
      await git.writeRef({ fs: repo.fs, gitdir: repo.gitdir, ref, value: commit, force: true });
      await pushRef(repo, { ref, remoteRef: ref });
      return { head: commit, created: true };
    }),
  );
}
