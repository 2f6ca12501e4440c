/**
 * Second half of a publish: bring the published package onto the branch. Fast-forwards the branch to the tagged
 * approval commit when the branch has not moved; otherwise commits the package on the new head (parents [head,
 * tagged commit], same approval message) and retries a few times with Porch's back-off. Idempotent: it does nothing
 * when the branch has moved on and already holds that package tree, or a higher revision of the package was published
 * since.
 */
import { NotFoundError, UnavailableError } from '../errors.js';
import { remoteCall } from './errors.js';
import { listRefsWithPrefix } from './list-remote-refs.js';
import { withLocalRepo, type LocalRepo } from './local-repo.js';
import { treeAt } from './package-tree.js';
import { PushRejectedError, pushRefs, pushRetryPause, sleep } from './push-ref.js';
import { fullPath, HEADS, normalizeDirectory, parseRevision, TAGS } from './ref-names.js';
import { gitSignature, PORCH_SIGNATURE } from './signature.js';
import { replaceSubtree } from './tree-edit.js';
import type { RemoteSpec } from './types.js';
import { fetchObjects } from './upload-pack.js';

export interface PublishBranchResult {
  /** Branch head after the call. */
  commit: string;
  /** False when the branch needed no change. */
  updated: boolean;
}

/** Makes the branch carry revision `revision` of the package, whose tag must already exist. */
export async function pushPublishBranch(
  remote: RemoteSpec,
  a: { packagePath: string; revision: number; now?: Date },
  reuse?: LocalRepo,
): Promise<PublishBranchResult> {
  const full = fullPath(normalizeDirectory(remote.directory), a.packagePath);
  const tagRef = `${TAGS}${full}/v${a.revision}`;
  const branchRef = HEADS + remote.branch;
  return remoteCall(remote.url, async () => {
    for (let attempt = 1; ; attempt++) {
      const tags = await listRefsWithPrefix(remote, `${TAGS}${full}/`);
      const tagged = tags[tagRef];
      if (!tagged) throw new NotFoundError({ resource: 'tags', group: 'git', name: `${full}/v${a.revision}` });
      const head = (await listRefsWithPrefix(remote, branchRef))[branchRef];
      if (!head) throw new UnavailableError(`git: branch "${remote.branch}" doesn't exist in ${remote.url}`);
      if (head === tagged || hasHigherRevision(tags, full, a.revision)) return { commit: head, updated: false };
      try {
        return await withLocalRepo(
          remote,
          async (repo) => {
            await fetchObjects(repo, [head, tagged], { depth: 1 });
            const { store } = repo;
            const tagCommit = store.commit(tagged);
            const headCommit = store.commit(head);
            const pkgTree = treeAt(store, tagCommit.tree, full);
            // The branch has not moved since the approval commit was written: fast-forward to it even when the package
            // tree is unchanged (an edit copying the previous revision), as Porch pushes branch and tag together.
            const fastForward = tagCommit.parents[0] === head;
            if (!fastForward && pkgTree === treeAt(store, headCommit.tree, full))
              return { commit: head, updated: false };
            let next = tagged;
            if (!fastForward) {
              const when = a.now ?? new Date();
              next = store.writeCommit({
                message: tagCommit.message,
                tree: replaceSubtree(store, headCommit.tree, full, pkgTree),
                parents: [head, tagged],
                author: { ...tagCommit.author, timestamp: Math.floor(when.getTime() / 1000) },
                committer: gitSignature(PORCH_SIGNATURE, when),
              });
            }
            await pushRefs(repo, [{ ref: branchRef, old: head, new: next }]);
            return { commit: next, updated: true };
          },
          reuse,
        );
      } catch (err) {
        const pause = err instanceof PushRejectedError ? pushRetryPause(attempt, err) : undefined;
        if (pause === undefined) throw err;
        await sleep(pause);
      }
    }
  });
}

/** A later revision of the package is tagged: the branch has moved past this one and must not be rolled back. */
function hasHigherRevision(tags: Record<string, string>, full: string, revision: number): boolean {
  return Object.keys(tags).some((ref) => {
    const suffix = ref.slice(`${TAGS}${full}/`.length);
    return !suffix.includes('/') && parseRevision(suffix) > revision;
  });
}
