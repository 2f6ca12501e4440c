/**
 * Delete of a published revision in git (porch-behaviour.md §7.5). N > 0: its tag and deletionProposed branch go;
 * the package stays on the branch. -1 (placeholder, or an unversioned tag, as Porch does): a commit removes the
 * package directory from the branch, then the deletionProposed branch goes. Refs already gone are not an error.
 */
import git from 'isomorphic-git';
import { remoteCall } from './errors.js';
import { listRefsWithPrefix } from './list-remote-refs.js';
import { withLocalRepo, type LocalRepo } from './local-repo.js';
import { treeAt } from './package-tree.js';
import { backoffMs, PushRejectedError, pushRef } from './push-ref.js';
import { deletionProposedRef, fullPath, HEADS, normalizeDirectory, tagRef } from './ref-names.js';
import { markRemoteHead, readCommitObject, sleep } from './remote-head.js';
import { gitSignature, PORCH_SIGNATURE } from './signature.js';
import { replaceSubtree } from './tree-edit.js';
import type { RemoteSpec, Signature } from './types.js';
import { fetchObjects } from './upload-pack.js';

export interface DeleteInput {
  packagePath: string;
  revision: number;
  workspace: string;
  author?: Signature;
}

/** Removes a DeletionProposed revision from git. */
export async function deletePublishedRevision(remote: RemoteSpec, input: DeleteInput): Promise<void> {
  const full = fullPath(normalizeDirectory(remote.directory), input.packagePath);
  await remoteCall(remote.url, () =>
    withLocalRepo(remote, async (repo) => {
      if (input.revision > 0) await deleteRefIfPresent(repo, tagRef(full, input.revision));
      else await removeFromBranch(repo, full, input.author);
      await deleteRefIfPresent(repo, deletionProposedRef(full, input.revision, input.workspace));
    }),
  );
}

async function deleteRefIfPresent(repo: LocalRepo, ref: string): Promise<void> {
  if (!(await listRefsWithPrefix(repo.remote, ref))[ref]) return;
  try {
    await pushRef(repo, { remoteRef: ref, delete: true });
  } catch (err) {
    if (!/not found|does not exist|no such|404/i.test((err as Error).message)) throw err;
  }
}

/** Commits `Delete <fullpath>` on the branch head when the directory is there; retried when the branch moves. */
async function removeFromBranch(repo: LocalRepo, full: string, author?: Signature): Promise<void> {
  const branchRef = HEADS + repo.remote.branch;
  for (let attempt = 1; ; attempt++) {
    const head = (await listRefsWithPrefix(repo.remote, branchRef))[branchRef];
    if (!head) return;
    await fetchObjects(repo, [head], { depth: 1 });
    const base = await readCommitObject(repo, head);
    if (!(await treeAt(repo, base.tree, full))) return;
    const when = new Date();
    const commit = await git.writeCommit({
      fs: repo.fs,
      gitdir: repo.gitdir,
      commit: {
        message: `Delete ${full}`,
        tree: await replaceSubtree(repo, base.tree, full, undefined),
        parent: [head],
        author: gitSignature(author ?? PORCH_SIGNATURE, when),
        committer: gitSignature(PORCH_SIGNATURE, when),
      },
    });
    await git.writeRef({ fs: repo.fs, gitdir: repo.gitdir, ref: branchRef, value: commit, force: true });
    await markRemoteHead(repo, repo.remote.branch, head);
    try {
      await pushRef(repo, { ref: branchRef, remoteRef: branchRef });
      return;
    } catch (err) {
      if (!(err instanceof PushRejectedError) || attempt >= 3) throw err;
      await sleep(backoffMs(attempt, err.message));
    }
  }
}
