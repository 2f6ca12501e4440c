/**
 * Typed rows of the package cache (migrations/0001_schema.sql), camelCase. `resourceVersion` is the bigint column
 * as a decimal string; timestamps are Dates; JSON columns are parsed objects.
 */
import type { ResourceRef } from '../errors.js';
import type { Condition, Files, Lock, PackageMetadata, ReadinessGate, Task } from '../kpt/types.js';
import type { FieldSelector } from '../selectors/field-selector.js';
import type { LabelSelector } from '../selectors/label-selector.js';
import { CONFIG_GROUP, PORCH_GROUP } from '../api-groups.js';

export type { Condition, Files, Lock, Task };

export type Lifecycle = 'Draft' | 'Proposed' | 'Published' | 'DeletionProposed';
export const LIFECYCLES: readonly Lifecycle[] = ['Draft', 'Proposed', 'Published', 'DeletionProposed'];

/** Kubernetes metadata kept as clients gave it (the latest label is never stored: it is the `latest` column). */
export interface StoredMeta {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: unknown[];
  deletionTimestamp?: string;
  /** Server-side apply's field ownership (docs/dry-run-and-apply.md), kept as the write computed it. */
  managedFields?: unknown[];
}

export interface RepositoryRow {
  namespace: string;
  name: string;
  uid: string;
  type: 'git' | 'oci';
  repoUrl: string;
  branch: string;
  directory: string;
  deployment: boolean;
  meta: StoredMeta;
  /** The Repository spec as stored, defaults applied. */
  spec: Record<string, unknown>;
  generation: number;
  resourceVersion: string;
  created: Date;
  updated: Date;
  updatedBy: string;
}

export type SyncState = 'Ready' | 'Error' | 'Reconciling';

export interface SkippedRef {
  ref: string;
  reason: string;
  /** The ref exists but could not be fetched or parsed. */
  unreadable?: boolean;
  /** Depends on the database (a name collision, a refused write) or on a retry: the next sync runs in any case. */
  pending?: boolean;
  /** Set on a half-done publish the branch does not hold yet: every sync tries to complete it. */
  publish?: { packagePath: string; revision: number };
}

/** One revision a ref yielded: [pkgpath, revision, workspace, content marker] (repository_sync.discovered). */
export type DiscoveredKey = [packagePath: string, revision: number, workspace: string, marker: string];

export interface RepositorySyncRow {
  namespace: string;
  repository: string;
  /** ref name → object id, as of the last successful sync. */
  refs: Record<string, string>;
  version: string | null;
  commitHash: string | null;
  state: SyncState;
  message: string;
  lastFullSyncTime: Date | null;
  nextFullSyncTime: Date;
  observedGeneration: number;
  observedRunOnceAt: Date | null;
  packageCount: number;
  cachedOnly: number;
  both: number;
  externalOnly: number;
  skipped: SkippedRef[];
  durationMs: number | null;
  updated: Date;
}

export interface PackageRow {
  namespace: string;
  /** `<repo>.<dotted path>` */
  name: string;
  repository: string;
  /** Full package path relative to the repository directory. */
  path: string;
  /** Last segment of the path. */
  packageName: string;
  uid: string;
  meta: StoredMeta;
  spec: Record<string, unknown>;
  /** Revision number of the latest revision; null when there is none. */
  latestRevision: number | null;
  resourceVersion: string;
  created: Date;
  updated: Date;
  updatedBy: string;
}

export interface PackageRevisionSpec {
  packageMetadata?: PackageMetadata;
  readinessGates?: ReadinessGate[];
  parent?: { name: string };
}

export interface PackageRevisionRow {
  namespace: string;
  name: string;
  /** `<repo>.<dotted path>` */
  package: string;
  repository: string;
  packagePath: string;
  /** Last segment of packagePath. */
  packageName: string;
  workspace: string;
  revision: number;
  lifecycle: Lifecycle;
  latest: boolean;
  uid: string;
  meta: StoredMeta;
  spec: PackageRevisionSpec;
  tasks: Task[];
  selfLock: Lock | null;
  upstreamLock: Lock | null;
  conditions: Condition[];
  publishedBy: string | null;
  publishTimestamp: Date | null;
  resourceVersion: string;
  created: Date;
  updated: Date;
  updatedBy: string;
}

/** One page of a list; `continue` is the opaque keyset token of the next page, absent on the last page. */
export interface Page<T> {
  items: T[];
  continue?: string;
}

/** List options shared by every list; selectors may be given as text (parsed here) or already parsed. */
export interface ListOptions {
  /** Restrict to one namespace (the URL's); absent = all namespaces. */
  namespace?: string;
  fieldSelector?: string | FieldSelector;
  labelSelector?: string | LabelSelector;
  /** Page size; default and maximum 500. */
  limit?: number;
  continue?: string;
  /** The page stops adding items at about this many bytes of response (LIST_MAX_BYTES); absent = no bound. */
  maxBytes?: number;
}

/** Error references (`packagerevisions.porch.kpt.dev "x"`) for each resource this layer stores. */
export const refs = {
  repository: (name: string): ResourceRef => ({ resource: 'repositories', group: CONFIG_GROUP, name }),
  package: (name: string): ResourceRef => ({ resource: 'packages', group: PORCH_GROUP, name }),
  packageRevision: (name: string): ResourceRef => ({ resource: 'packagerevisions', group: PORCH_GROUP, name }),
  packageRevisionResources: (name: string): ResourceRef => ({
    resource: 'packagerevisionresources',
    group: PORCH_GROUP,
    name,
  }),
};
