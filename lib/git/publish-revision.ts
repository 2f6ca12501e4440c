import { withLocalRepo } from './local-repo.js';
import { pushPublishBranch } from './publish-branch.js';
import { pushPublishTag, type PublishInput } from './publish-tag.js';
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
 * Publishes a revision to git as Porch does (docs/porch-behaviour.md §7.4): tag first, then the branch. A failure after
 * the tag push leaves a published tag that the next sync imports and a retry (or pushPublishBranch) completes.
 */
export async function publishRevision(remote: RemoteSpec, input: PublishInput): Promise<PublishResult> {
  // One object store for both steps: the branch step finds the head and the new commits already fetched.
  return withLocalRepo(remote, async (repo) => {
    const tagged = await pushPublishTag(remote, input, repo);
    const { packagePath, revision, now } = input;
    const branch = await pushPublishBranch(remote, { packagePath, revision, now }, repo);
    return { ...tagged, branchCommit: branch.commit };
  });
}
