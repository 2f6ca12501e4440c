/**
 * Delete of a published revision in git (docs/porch-semantics.md §7.5). N > 0: its tag and deletionProposed branch go;
 * the package stays on the branch. -1 (placeholder, or an unversioned tag, as Porch does): a commit removes the
 * package directory from the branch, then the deletionProposed branch goes. Refs already gone are not an error.
 */
import { deletePackageCommitMessage } from '../kpt/commit-message.js';
import { remoteCall } from './errors.js';
import { listRefsWithPrefix } from './list-remote-refs.js';
import { withLocalRepo, type LocalRepo } from './local-repo.js';
import { treeAt } from './package-tree.js';
import { backoffMs, PushRejectedError, pushRefs, sleep } from './push-ref.js';
import { ZERO_OID } from './receive-pack.js';
import { deletionProposedRef, fullPath, HEADS, normalizeDirectory, tagRef } from './ref-names.js';
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
  const current = (await listRefsWithPrefix(repo.remote, ref))[ref];
  if (!current) return;
  try {
    await pushRefs(repo, [{ ref, old: current, new: ZERO_OID }]);
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
    const { store } = repo;
    const base = store.commit(head);
    if (!treeAt(store, base.tree, full)) return;
    const when = new Date();
    const commit = store.writeCommit({
      message: deletePackageCommitMessage(full),
      tree: replaceSubtree(store, base.tree, full, undefined),
      parents: [head],
      author: gitSignature(author ?? PORCH_SIGNATURE, when),
      committer: gitSignature(PORCH_SIGNATURE, when),
    });
    try {
      await pushRefs(repo, [{ ref: branchRef, old: head, new: commit }]);
      return;
    } catch (err) {
      if (!(err instanceof PushRejectedError) || attempt >= 3) throw err;
      await sleep(backoffMs(attempt, err.message));
    }
  }
}
