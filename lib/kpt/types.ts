/**
 * The JSON shapes Porch uses for tasks, locks, conditions and Kptfile-derived fields (docs/porch-semantics.md §1.2).
 * Fields are optional where Porch's Go structs carry `omitempty`, so objects round-trip unchanged.
 */

export type TaskType = 'init' | 'clone' | 'edit' | 'upgrade' | 'render' | 'push' | '';

/** A reference to another PackageRevision by its name. */
export interface PackageRevisionRef {
  name: string;
}

export interface SecretRef {
  name: string;
}

export interface InitTaskSpec {
  subpackage?: string;
  description?: string;
  keywords?: string[];
  site?: string;
}

/** Where a clone comes from: a git directory, an OCI image (not implemented) or a registered revision. */
export interface UpstreamPackage {
  type?: 'git' | 'oci';
  git?: { repo: string; ref: string; directory: string; secretRef?: SecretRef };
  oci?: { image: string };
  upstreamRef?: PackageRevisionRef;
}

export type MergeStrategy = 'resource-merge' | 'fast-forward' | 'force-delete-replace' | 'copy-merge';

export interface CloneTaskSpec {
  upstreamRef: UpstreamPackage;
}

export interface EditTaskSpec {
  sourceRef?: PackageRevisionRef;
}

export interface UpgradeTaskSpec {
  oldUpstreamRef: PackageRevisionRef;
  newUpstreamRef: PackageRevisionRef;
  localPackageRevisionRef: PackageRevisionRef;
  strategy?: MergeStrategy;
}

/**
 * One entry of `spec.tasks`. Flat like Porch's Go struct (not a discriminated union) because requests may name a
 * type without its body, which the API must report (`init not set for task of type "init"`).
 */
export interface Task {
  type: TaskType;
  init?: InitTaskSpec;
  clone?: CloneTaskSpec;
  edit?: EditTaskSpec;
  upgrade?: UpgradeTaskSpec;
}

export interface GitLock {
  repo: string;
  directory: string;
  ref: string;
  commit: string;
}

/** `status.selfLock` / `status.upstreamLock`, and the Kptfile's `upstreamLock`. */
export interface Lock {
  type: 'git';
  git: GitLock;
}

/** The Kptfile's `upstream` section: a lock without the commit, plus kpt's update strategy. */
export interface KptfileUpstream {
  type: 'git';
  git: { repo: string; directory: string; ref: string };
  updateStrategy?: string;
}

export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** A Kptfile `status.conditions` entry, mirrored as the PackageRevision's `status.conditions`. */
export interface Condition {
  type: string;
  status: ConditionStatus;
  reason?: string;
  message?: string;
}

/** `spec.packageMetadata`: mirrors the Kptfile's `metadata.labels` / `metadata.annotations`. */
export interface PackageMetadata {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** `spec.readinessGates` entry: mirrors the Kptfile's `info.readinessGates`. */
export interface ReadinessGate {
  conditionType: string;
}

/** A package's files: path relative to the package root → text content. */
export type Files = Record<string, string>;
