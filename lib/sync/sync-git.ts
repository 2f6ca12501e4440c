import type { DiscoveryResult, DiscoverOptions, RemoteSpec } from '../git/index.js';

/** The git operations sync needs (lib/git in production; tests may wrap them to count calls). */
export interface SyncGit {
  listRemoteRefs(remote: RemoteSpec): Promise<Record<string, string>>;
  discoverRevisions(
    remote: RemoteSpec,
    refs: Record<string, string>,
    options: DiscoverOptions,
  ): Promise<DiscoveryResult>;
  /**
   * Brings a tagged revision onto the branch (second half of a publish; idempotent). Called for Proposed rows that
   * sync turned Published because their tag exists: a publish that died after its tag push.
   */
  completePublish?(
    remote: RemoteSpec,
    revision: { packagePath: string; revision: number },
  ): Promise<{ updated: boolean }>;
  /** Creates the missing branch of a Repository with `spec.git.createBranch` (docs/porch-semantics.md §7.6). */
  ensureBranch?(remote: RemoteSpec, createBranch: boolean): Promise<unknown>;
}
