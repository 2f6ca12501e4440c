/** Which refs discovery examines (docs/porch-semantics.md §7.2); pure. */
import { storageProblem } from './storage-rules.js';
import { DELETION_PROPOSED, HEADS, packagePathIn, parseRevision, parseTagRef } from './ref-names.js';
import type { SkippedRef } from './types.js';

export interface Candidate {
  fullRef: string;
  commit: string;
  /** undefined for the branch. */
  tag?: { path: string; suffix: string; revision: number };
}

export interface Candidates {
  branch?: Candidate;
  /** Tags of packages below the directory, canonical `v<N>` names first. */
  tags: Candidate[];
  /** `<fullpath>/<v<N> or ws>` of every deletionProposed/ branch. */
  deletionProposed: Set<string>;
  /** Tags whose number the storage rules reject (0, below -1). */
  skipped: SkippedRef[];
}

const rank = (c: Candidate) => (c.tag && /^v[0-9]+$/.test(c.tag.suffix) ? 0 : 1);

/** Sorts the refs into the branch, package tags below `directory`, and deletion proposals; others are ignored. */
export function selectCandidates(
  refs: Record<string, string>,
  branchName: string,
  directory: string,
  onlyRefs?: string[],
): Candidates {
  const only = onlyRefs ? new Set(onlyRefs) : undefined;
  const deletionProposed = new Set(
    Object.keys(refs)
      .filter((r) => r.startsWith(HEADS + DELETION_PROPOSED))
      .map((r) => r.slice(HEADS.length + DELETION_PROPOSED.length)),
  );
  const skipped: SkippedRef[] = [];
  const tags: Candidate[] = [];
  let branch: Candidate | undefined;
  for (const [fullRef, commit] of Object.entries(refs)) {
    if (only && !only.has(fullRef)) continue;
    if (fullRef === HEADS + branchName) branch = { fullRef, commit };
    const tag = parseTagRef(fullRef);
    if (!tag || packagePathIn(directory, tag.path) === undefined) continue;
    const revision = parseRevision(tag.suffix);
    if (revision === 0 || revision < -1) skipped.push({ ref: fullRef, reason: storageProblem('x', 'x', revision)! });
    else tags.push({ fullRef, commit, tag: { ...tag, revision } });
  }
  tags.sort((a, b) => rank(a) - rank(b) || (a.fullRef < b.fullRef ? -1 : a.fullRef > b.fullRef ? 1 : 0));
  return { branch, tags, deletionProposed, skipped };
}
