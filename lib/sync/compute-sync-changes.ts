import type { DiscoveredRevision, DiscoveryResult } from '../git/index.js';
import { fullPath, normalizeDirectory } from '../git/ref-names.js';
import { packageRevisionName } from '../names.js';
import type { RepositoryRow } from '../storage/types.js';
import { diffRevisions, revisionKey, type RevisionIdentity } from './diff-revisions.js';
import {
  contentMarker,
  keysOf,
  planDiscovery,
  skippedRefName,
  type DiscoveredByRef,
  type PreviousSync,
} from './discovered-refs.js';
import type { PublishedKey } from '../storage/revision-sync.js';
import type { SkippedRef as ReportedSkip } from '../storage/types.js';

export interface SyncChanges {
  /** Stored revisions gone from git, as read (a delete applies only to the row version read). */
  deletes: Pick<PublishedKey, 'name' | 'resourceVersion'>[];
  /**
   * New revisions to store, and stored ones whose content changed (`keepLifecycle` and the row version read set).
   */
  writes: {
    revision: DiscoveredRevision;
    keepLifecycle?: PublishedKey['lifecycle'];
    expectedResourceVersion?: string;
  }[];
  skipped: ReportedSkip[];
  /** What to remember per ref for the next sync. */
  discovered: DiscoveredByRef;
  /**
   * The refs as really read, to remember: an unreadable ref keeps the oid it had when last read (or is left out),
   * so the next sync sees it as changed and reads it again.
   */
  readRefs: Record<string, string>;
  both: number;
  externalOnly: number;
  refsRead: number;
}

type Key = Pick<RevisionIdentity, 'packagePath' | 'revision' | 'workspace'>;

/** Reads the given refs from git; files only for the revisions `withFiles` accepts. */
export type Discover = (only: string[], withFiles: (key: Key) => boolean) => Promise<DiscoveryResult>;

type External = RevisionIdentity & { ref: string; marker: string; fresh?: DiscoveredRevision };

/**
 * Decides what a sync changes (docs/porch-semantics.md §8.2): reads from git only new or moved refs (plus unchanged
 * refs whose revisions are missing from the database), rebuilds the external set from what unchanged refs yielded last
 * time, and diffs it with the stored Published/DeletionProposed revisions. Files are read only for revisions to be
 * written. Beyond Porch, a stored revision whose ref moved to other content is refreshed, so the result equals a sync
 * from scratch.
 */
export async function computeSyncChanges(
  repo: RepositoryRow,
  previous: PreviousSync,
  refs: Record<string, string>,
  stored: PublishedKey[],
  discover: Discover,
): Promise<SyncChanges> {
  const id = { namespace: repo.namespace, repository: repo.name, directory: repo.directory, branch: repo.branch };
  const key = (k: Key) => revisionKey({ ...id, ...k });
  const plan = planDiscovery(previous, refs);
  const synced = stored.map((s) => ({ ...id, ...s }));
  const syncedKeys = new Set(synced.map(key));
  // What a ref yielded last time, as external revisions (for refs not read again).
  const remembered = (ref: string, keys: DiscoveredByRef[string]): External[] =>
    keys.map(([packagePath, revision, workspace, marker]) => ({
      ...id,
      packagePath,
      revision,
      workspace,
      ref,
      marker,
    }));
  const carried: External[] = Object.entries(plan.carried).flatMap(([ref, keys]) => remembered(ref, keys));
  const refetch = new Set(carried.filter((c) => !syncedKeys.has(key(c))).map((e) => e.ref));
  const only = [...new Set([...plan.changed, ...refetch])].sort();
  // Files for revisions to be written, and for placeholders whose content change only their files can tell (when
  // discovery reports package tree oids, the markers remembered from last time say so and no files are needed).
  const treeKnown = new Set<string>();
  for (const keys of Object.values(previous.discovered)) {
    for (const [packagePath, revision, workspace, marker] of keys) {
      if (marker.startsWith('tree:')) treeKnown.add(key({ packagePath, revision, workspace }));
    }
  }
  const isPlaceholder = (k: Key) => k.revision === -1 && k.workspace === repo.branch;
  const withFiles = (k: Key) => !syncedKeys.has(key(k)) || (isPlaceholder(k) && !treeKnown.has(key(k)));
  const result = only.length ? await discover(only, withFiles) : { revisions: [], skipped: [] };
  const fresh: External[] = result.revisions.map((r) => ({
    ...id,
    packagePath: r.packagePath,
    revision: r.revision,
    workspace: r.workspace,
    ref: r.fullRef,
    marker: contentMarker(r),
    fresh: r,
  }));
  // A ref that exists but could not be read keeps what it yielded last time, and the revisions stored for it stay.
  const unreadable = new Set(result.skipped.filter((s) => s.unreadable).map((s) => skippedRefName(s.ref, refs)));
  const kept: External[] = [...unreadable].flatMap((ref) => remembered(ref, previous.discovered[ref] ?? []));
  const external = [...carried.filter((e) => !refetch.has(e.ref) && !unreadable.has(e.ref)), ...kept, ...fresh];
  const rawDiff = diffRevisions(synced, external);
  const diff = {
    ...rawDiff,
    cachedOnly: rawDiff.cachedOnly.filter((c) => !unreadable.has(naturalRef(repo, c))),
  };

  const writes: SyncChanges['writes'] = await refreshes(previous, diff.both, key, discover, repo.branch);
  const deletes = diff.cachedOnly.map((c) => ({ name: c.name, resourceVersion: c.resourceVersion }));
  const deleted = new Set(deletes.map((d) => d.name));
  const byName = new Map(stored.filter((s) => !deleted.has(s.name)).map((s) => [s.name, s]));
  const skipped: ReportedSkip[] = [
    ...plan.carriedSkipped.filter((s) => !refetch.has(skippedRefName(s.ref, refs))),
    // An unreadable ref is retried by the next sync even if no ref changes meanwhile.
    ...result.skipped.map((s) => (s.unreadable ? { ...s, pending: true } : s)),
  ];
  const order = (a: External, b: External) => a.ref.localeCompare(b.ref) || a.packagePath.localeCompare(b.packagePath);
  for (const e of [...diff.externalOnly].sort(order)) {
    if (!e.fresh) continue; // cannot happen: carried keys missing from the database were re-read
    const name = packageRevisionName(repo.name, e.packagePath, e.workspace);
    const existing = byName.get(name);
    if (existing) {
      skipped.push({
        ref: e.ref,
        reason: `package revision "${name}" already exists as ${existing.lifecycle} revision ${existing.revision}`,
        pending: true,
      });
      continue;
    }
    // A Draft or Proposed row of the same name is for the storage rules to judge (Proposed → Published N only).
    writes.push({ revision: e.fresh });
    byName.set(name, {
      name,
      packagePath: e.packagePath,
      revision: e.revision,
      workspace: e.workspace,
      lifecycle: e.fresh.lifecycle,
      resourceVersion: '',
    });
  }

  const discovered: DiscoveredByRef = {};
  for (const [ref, keys] of Object.entries(plan.carried))
    if (!refetch.has(ref) && keys.length > 0) discovered[ref] = keys;
  Object.assign(discovered, keysOf(result.revisions));
  const readRefs = { ...refs };
  for (const ref of unreadable) {
    if (previous.discovered[ref]) discovered[ref] = previous.discovered[ref]!;
    else delete discovered[ref];
    if (previous.refs[ref] === undefined) delete readRefs[ref];
    else readRefs[ref] = previous.refs[ref]!;
  }
  return {
    readRefs,
    deletes,
    writes,
    skipped,
    discovered,
    both: diff.both.length,
    externalOnly: diff.externalOnly.length,
    refsRead: only.length,
  };
}

/** The ref a stored revision comes from: its tag, or the branch for a placeholder. */
function naturalRef(repo: RepositoryRow, k: Key): string {
  if (k.revision === -1 && k.workspace === repo.branch) return `refs/heads/${repo.branch}`;
  const full = fullPath(normalizeDirectory(repo.directory), k.packagePath);
  return `refs/tags/${full}/${k.revision > 0 ? `v${k.revision}` : k.workspace}`;
}

/** Stored revisions whose freshly read ref now holds other content: read their files and refresh them. */
async function refreshes(
  previous: PreviousSync,
  pairs: { cached: PublishedKey; external: External }[],
  key: (k: Key) => string,
  discover: Discover,
  branch: string,
): Promise<SyncChanges['writes']> {
  const before = new Map<string, string>();
  for (const [ref, keys] of Object.entries(previous.discovered)) {
    for (const [packagePath, revision, workspace, marker] of keys)
      before.set(`${ref}\0${key({ packagePath, revision, workspace })}`, marker);
  }
  const cached = new Map(pairs.map((p) => [key(p.external), p.cached]));
  const refresh = (revision: DiscoveredRevision) => {
    const c = cached.get(key(revision))!;
    return { revision, keepLifecycle: c.lifecycle, expectedResourceVersion: c.resourceVersion };
  };
  const moved = pairs
    .map((p) => p.external)
    .filter((e) => {
      const old = before.get(`${e.ref}\0${key(e)}`);
      // A placeholder sync never imported (written by a publish) is refreshed too: a publish writes it with the
      // revision's lock and tasks, discovery with the branch's, and the database must read as a fresh sync would.
      const placeholder = e.revision === -1 && e.workspace === branch;
      return e.fresh && e.marker && (old ? old !== e.marker : placeholder);
    });
  const ready = moved.filter((e) => Object.keys(e.fresh!.files).length > 0);
  const writes = ready.map((e) => refresh(e.fresh!));
  const missing = moved.filter((e) => !ready.includes(e));
  if (missing.length === 0) return writes;
  const wanted = new Set(missing.map(key));
  const reread = await discover([...new Set(missing.map((e) => e.ref))].sort(), (k) => wanted.has(key(k)));
  const reRead = reread.revisions.filter((r) => wanted.has(key(r)));
  return [...writes, ...reRead.map(refresh)];
}
