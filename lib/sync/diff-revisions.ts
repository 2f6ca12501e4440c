/**
 * The identity of a package revision as sync compares it (docs/porch-semantics.md §8.2): two revisions with the same
 * key are "the same" and never reconciled further, whatever their lifecycle, content or metadata.
 */
export interface RevisionIdentity {
  namespace: string;
  repository: string;
  directory: string;
  branch: string;
  packagePath: string;
  revision: number;
  workspace: string;
}

export interface RevisionDiff<C, E> {
  /** Stored but gone from git: delete. */
  cachedOnly: C[];
  /** In both: leave alone. */
  both: { cached: C; external: E }[];
  /** New in git: store. */
  externalOnly: E[];
}

/** The identity key as one string; NUL cannot occur in any of the parts. */
export function revisionKey(r: RevisionIdentity): string {
  return [r.namespace, r.repository, r.directory, r.branch, r.packagePath, String(r.revision), r.workspace].join('\0');
}

/** Splits stored and discovered revisions by identity key into cached-only, both and external-only. */
export function diffRevisions<C extends RevisionIdentity, E extends RevisionIdentity>(
  cached: readonly C[],
  external: readonly E[],
): RevisionDiff<C, E> {
  const byKey = new Map<string, E>();
  for (const e of external) byKey.set(revisionKey(e), e);
  const cachedOnly: C[] = [];
  const both: { cached: C; external: E }[] = [];
  const seen = new Set<string>();
  for (const c of cached) {
    const key = revisionKey(c);
    const match = byKey.get(key);
    if (match && !seen.has(key)) {
      both.push({ cached: c, external: match });
      seen.add(key);
    } else {
      cachedOnly.push(c);
    }
  }
  const externalOnly = [...byKey.entries()].filter(([key]) => !seen.has(key)).map(([, e]) => e);
  return { cachedOnly, both, externalOnly };
}
