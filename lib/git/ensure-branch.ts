/** Branch bootstrap (docs/porch-semantics.md §7.6). */
import { GitRefusedError, remoteCall } from './errors.js';
import { listRefsWithPrefix } from './list-remote-refs.js';
import { withLocalRepo } from './local-repo.js';
import { pushRefs } from './push-ref.js';
import { ZERO_OID } from './receive-pack.js';
import { HEADS } from './ref-names.js';
import { gitSignature, PORCH_SIGNATURE } from './signature.js';
import { writeFilesTree } from './tree-edit.js';
import type { RemoteSpec } from './types.js';

/**
 * The head of the Repository's branch. When the branch is missing: with createBranch, pushes a root commit with
 * README.md `Created by porch`; otherwise fails with `branch "<B>" doesn't exist`.
 */
export async function ensureBranch(
  remote: RemoteSpec,
  createBranch: boolean,
): Promise<{ head: string; created: boolean }> {
  const ref = HEADS + remote.branch;
  const head = (await listRefsWithPrefix(remote, ref))[ref];
  if (head) return { head, created: false };
  if (!createBranch) throw new GitRefusedError('not-found', `branch "${remote.branch}" doesn't exist`);
  return remoteCall(remote.url, () =>
    withLocalRepo(remote, async (repo) => {
      const signature = gitSignature(PORCH_SIGNATURE, new Date());
      const commit = repo.store.writeCommit({
        message: 'Initial commit: Creating main branch',
        tree: writeFilesTree(repo.store, { 'README.md': 'Created by porch' }),
        parents: [],
        author: signature,
        committer: signature,
      });
      await pushRefs(repo, [{ ref, old: ZERO_OID, new: commit }]);
      return { head: commit, created: true };
    }),
  );
}
