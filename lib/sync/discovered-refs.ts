import { createHash } from 'node:crypto';
import type { DiscoveredRevision, SkippedRef } from '../git/index.js';
import type { DiscoveredKey } from '../storage/types.js';

/**
 * One revision a ref yielded: [pkgpath, revision, workspace, content marker]. The marker changes when the
 * revision's content in git may have changed: the package tree oid when discovery reports it, else the commit for
 * tag revisions and a digest of the files for placeholders; '' when unknown (never compared).
 */
export type { DiscoveredKey };

/** What discovery found per full ref name at the last successful sync (repository_sync.discovered). */
export type DiscoveredByRef = Record<string, DiscoveredKey[]>;

export interface PreviousSync {
  refs: Record<string, string>;
  discovered: DiscoveredByRef;
  skipped: SkippedRef[];
}

export interface DiscoveryPlan {
  /** New or moved refs: these must be read from git. */
  changed: string[];
  /** Unchanged refs and what they yielded last time: reused without reading git. */
  carried: DiscoveredByRef;
  /** Skips reported for unchanged refs last time, still true. */
  carriedSkipped: SkippedRef[];
}

/** The content marker of a discovered revision (see DiscoveredKey). */
export function contentMarker(r: DiscoveredRevision): string {
  const tree = (r as { tree?: unknown }).tree;
  if (typeof tree === 'string' && tree !== '') return `tree:${tree}`;
  if (r.fullRef.startsWith('refs/tags/')) return `commit:${r.commit}`;
  // A placeholder's commit is the branch head, which moves with every package: digest its content instead.
  if (Object.keys(r.files).length === 0) return '';
  const hash = createHash('sha256');
  for (const path of Object.keys(r.files).sort()) hash.update(`${path}\0${r.files[path]}\0`);
  hash.update(JSON.stringify(r.tasks));
  return `files:${hash.digest('hex').slice(0, 32)}`;
}

/** Full ref name of a skip report (discovery may report short names). */
export const skippedRefName = (ref: string, all: Record<string, string>): string =>
  ref in all
    ? ref
    : `refs/tags/${ref}` in all
      ? `refs/tags/${ref}`
      : `refs/heads/${ref}` in all
        ? `refs/heads/${ref}`
        : ref;

/** Splits the current refs into those to read from git and those whose previous result still holds. */
export function planDiscovery(previous: PreviousSync, current: Record<string, string>): DiscoveryPlan {
  const changed: string[] = [];
  const carried: DiscoveredByRef = {};
  for (const ref of Object.keys(current).sort()) {
    if (previous.refs[ref] === current[ref]) carried[ref] = previous.discovered[ref] ?? [];
    else changed.push(ref);
  }
  const carriedSkipped = previous.skipped.filter((s) => {
    const full = skippedRefName(s.ref, previous.refs);
    return full in carried;
  });
  return { changed, carried, carriedSkipped };
}

/** Groups freshly discovered revisions by their full ref, as stored for the next sync. */
export function keysOf(revisions: readonly DiscoveredRevision[]): DiscoveredByRef {
  const out: DiscoveredByRef = {};
  for (const r of revisions) {
    (out[r.fullRef] ??= []).push([r.packagePath, r.revision, r.workspace, contentMarker(r)]);
  }
  return out;
}
