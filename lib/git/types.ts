/** Shapes shared by the git layer and its callers (sync, approval, clone). */
import type { AllowedNetworks, GitLimits } from '../config.js';
import type { Task } from '../kpt/types.js';

/** Credentials for a remote: HTTP basic (username/password or token as password) or a bearer token. */
export type GitAuth = { username: string; password: string } | { bearerToken: string };

/** Where a Repository's packages live in git and how to reach it. */
export interface RemoteSpec {
  url: string;
  branch: string;
  /** spec.git.directory without leading/trailing `/`; "" = repository root. */
  directory: string;
  auth?: GitAuth;
  /** Longest silence of the server (connect, first byte, between bytes), in milliseconds. */
  timeoutMs: number;
  /** Bounds on what the remote may send; default: the process's configuration. */
  limits?: GitLimits;
  /** Non-public networks this remote may be on; default: GIT_ALLOWED_NETWORKS. */
  allowedNetworks?: AllowedNetworks;
}

/** path → UTF-8 content, paths relative to the package directory. */
export type Files = Record<string, string>;

export type PublishedLifecycle = 'Published' | 'DeletionProposed';

/** A Published or DeletionProposed package revision found in git (docs/porch-semantics.md §7.2). */
export interface DiscoveredRevision {
  /** pkgpath: the fullpath without the repository directory. */
  packagePath: string;
  workspace: string;
  /** N > 0 for `<path>/v<N>` tags, -1 for the branch placeholder and non-numeric tags. */
  revision: number;
  lifecycle: PublishedLifecycle;
  /** Short ref name the revision came from: the branch name or `<fullpath>/<suffix>`. */
  ref: string;
  /** Full ref name, e.g. `refs/tags/pkgs/a/v1`. */
  fullRef: string;
  /** The commit the ref points to (annotated tags peeled). */
  commit: string;
  files: Files;
  tasks: Task[];
}

/** A ref that discovery could not turn into a revision the storage rules accept. */
export interface SkippedRef {
  ref: string;
  reason: string;
  /** The ref exists but could not be fetched or parsed: what it held before is unknown, not gone. */
  unreadable?: boolean;
}

export interface DiscoveryResult {
  revisions: DiscoveredRevision[];
  skipped: SkippedRef[];
}

/** Name and email for a commit signature. */
export interface Signature {
  name: string;
  email: string;
}
