import { remoteCall } from './errors.js';
import { withLocalRepo } from './local-repo.js';
import { pushPublishAtomic } from './publish-atomic.js';
import { pushPublishBranch } from './publish-branch.js';
import { inTurn } from './publish-turns.js';
import { pushPublishTag, type PublishInput } from './publish-tag.js';
import { advertisement } from './advertisement.js';
import type { RemoteSpec } from './types.js';

export interface PublishResult {
  /** The tagged approval commit: the self lock's commit. */
  commit: string;
  /** `<fullpath>/v<N>`: the self lock's ref. */
  tag: string;
  /** Branch head after the publish. */
  branchCommit: string;
  adopted: boolean;
}

/**
 * Publishes a revision to git (docs/publish.md): tag and branch in one atomic push when the server advertises
 * `atomic`; otherwise as Porch does (docs/porch-behaviour.md §7.4), tag first, then the branch. A failure after such
 * a tag push leaves a published tag that the next sync imports and completes, and that a retry adopts.
 */
export async function publishRevision(remote: RemoteSpec, input: PublishInput): Promise<PublishResult> {
  // One object store for both steps: the branch step finds the head and the new commits already fetched.
  const turn = `${remote.url}\0${remote.branch}`;
  return inTurn(turn, remote.timeoutMs, () =>
    withLocalRepo(remote, async (repo) => {
      const { caps: capabilities } = await remoteCall(remote.url, () => advertisement(repo, 'git-receive-pack'));
      if (capabilities.has('atomic')) return pushPublishAtomic(remote, input, repo);
      const tagged = await pushPublishTag(remote, input, repo);
      const { packagePath, revision, now } = input;
      const branch = await pushPublishBranch(remote, { packagePath, revision, now }, repo);
      return { ...tagged, branchCommit: branch.commit };
    }),
  );
}
