import { remoteCall } from './errors.js';
import { openLocalRepo, type LocalRepo } from './local-repo.js';
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
 * `atomic`; otherwise as Porch does (docs/porch-semantics.md §7.4), tag first, then the branch. A failure after such
 * a tag push leaves a published tag that the next sync imports and completes, and that a retry adopts.
 */
export async function publishRevision(remote: RemoteSpec, input: PublishInput): Promise<PublishResult> {
  const turn = `${remote.url}\0${remote.branch}`;
  return inTurn<PublishResult, Handed>(turn, remote.timeoutMs, async (handed) => {
    // One object store for both steps: the branch step finds the head and the new commits already fetched. A fresh
    // operation (its own deadline and budgets) that starts from what the previous publish of this remote, with the
    // same credentials, handed over: its objects, the server's advertisement and the head it pushed.
    const repo = openLocalRepo(remote);
    const reuse = handed && JSON.stringify(handed.auth) === JSON.stringify(remote.auth) ? handed : undefined;
    if (reuse) Object.assign(repo, { store: reuse.store, advertised: reuse.advertised, baseUrl: reuse.baseUrl });
    const { caps } = await remoteCall(remote.url, () => advertisement(repo, 'git-receive-pack'));
    if (caps.has('atomic')) {
      const result = await pushPublishAtomic(remote, input, repo, reuse?.head);
      const { store, advertised, baseUrl } = repo;
      const handOver = { store, advertised, baseUrl, auth: remote.auth, head: result.branchCommit };
      return { result, handOver: result.adopted ? undefined : handOver };
    }
    const tagged = await pushPublishTag(remote, input, repo);
    const { packagePath, revision, now } = input;
    const branch = await pushPublishBranch(remote, { packagePath, revision, now }, repo);
    return { result: { ...tagged, branchCommit: branch.commit } };
  });
}

/** What a publish hands to the next one in its turn: the branch head it pushed, and what it knows of the remote. */
interface Handed extends Pick<LocalRepo, 'store' | 'advertised' | 'baseUrl'> {
  auth: RemoteSpec['auth'];
  head: string;
}
