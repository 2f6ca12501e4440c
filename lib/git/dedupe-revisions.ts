import type { DiscoveredRevision, SkippedRef } from './types.js';

/** Two refs giving the same name or the same revision number of a package: the first wins, the rest are skipped. */
export function dedupe(found: DiscoveredRevision[], skipped: SkippedRef[]): DiscoveredRevision[] {
  const byName = new Map<string, DiscoveredRevision>();
  const byNumber = new Map<string, DiscoveredRevision>();
  const kept: DiscoveredRevision[] = [];
  for (const rev of found) {
    const nameKey = `${rev.packagePath}\0${rev.workspace}`;
    const numberKey = `${rev.packagePath}\0${rev.revision}`;
    const clash = byName.get(nameKey) ?? (rev.revision > 0 ? byNumber.get(numberKey) : undefined);
    if (clash) {
      skipped.push({
        ref: rev.fullRef,
        reason: `package "${rev.packagePath}" revision ${rev.revision} workspace "${rev.workspace}" clashes with ${clash.fullRef}`,
      });
      continue;
    }
    byName.set(nameKey, rev);
    if (rev.revision > 0) byNumber.set(numberKey, rev);
    kept.push(rev);
  }
  return kept;
}
