/**
 * A publish as one atomic push (docs/publish.md): the tag `<fullpath>/v<N>` and the branch move together in one
 * receive-pack request, each with the value it expects, so either both move or neither. When the branch moved under
 * the publish (another publish of the repository won the round), the approval commit is rebuilt on the new head and
 * pushed again: publishes of one repository take turns without any lock held while git is talked to.
 */
import { UnavailableError } from '../errors.js';
import { remoteCall } from './errors.js';
import { listRefsWithPrefix } from './list-remote-refs.js';
import type { LocalRepo } from './local-repo.js';
import { pushPublishBranch } from './publish-branch.js';
import { adoptOrConflict, publishTarget, writeApproval, type PublishInput } from './publish-tag.js';
import { PushRejectedError, pushRefs, pushRetryPause, sleep } from './push-ref.js';
import { ZERO_OID } from './receive-pack.js';
import { HEADS, TAGS } from './ref-names.js';
import type { RemoteSpec } from './types.js';
import { fetchObjects } from './upload-pack.js';

export interface AtomicPublishResult {
  commit: string;
  tag: string;
  adopted: boolean;
  branchCommit: string;
}

/**
 * Publishes revision N with tag and branch in one atomic push; needs a server that advertises `atomic`. With
 * `knownHead` (the head the previous publish of this process pushed, its objects in `repo`) the first attempt pushes
 * at once; a wrong guess costs one refused push and the usual round.
 */
export async function pushPublishAtomic(
  remote: RemoteSpec,
  input: PublishInput,
  repo: LocalRepo,
  knownHead?: string,
): Promise<AtomicPublishResult> {
  const { full, tag } = publishTarget(remote, input);
  const tagRef = TAGS + tag;
  const branchRef = HEADS + remote.branch;
  return remoteCall(remote.url, async () => {
    let head = knownHead && repo.store.hasComplete(knownHead) ? knownHead : undefined;
    for (let attempt = 1; ; attempt++) {
      if (!head) {
        const existing = (await listRefsWithPrefix(remote, tagRef))[tagRef];
        if (existing) {
          // This publish's own earlier attempt (adopted and finished), or another one's number (409: take the next).
          const adopted = await adoptOrConflict(repo, existing, full, tag, input);
          const { packagePath, revision, now } = input;
          const branch = await pushPublishBranch(remote, { packagePath, revision, now }, repo);
          return { ...adopted, branchCommit: branch.commit };
        }
        head = (await listRefsWithPrefix(remote, branchRef))[branchRef];
        if (!head) throw new UnavailableError(`git: branch "${remote.branch}" doesn't exist in ${remote.url}`);
        await fetchObjects(repo, [head], { depth: 1 });
      }
      // Only this attempt's objects go into the pack; an earlier attempt's commits were built on an older head.
      repo.store.written.clear();
      const commit = writeApproval(repo, head, full, input);
      try {
        await pushRefs(
          repo,
          [
            { ref: tagRef, old: ZERO_OID, new: commit },
            { ref: branchRef, old: head, new: commit },
          ],
          { atomic: true },
        );
        return { commit, tag, adopted: false, branchCommit: commit };
      } catch (err) {
        const pause = err instanceof PushRejectedError ? pushRetryPause(attempt, err) : undefined;
        if (pause === undefined) throw err;
        head = undefined;
        await sleep(pause);
      }
    }
  });
}
