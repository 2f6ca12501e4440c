import type { DiscoveredRevision, SkippedRef } from './types.js';

/**
 * Two refs giving the same name or the same revision number of a package: the first wins, the rest are skipped —
 * except that of two numbered tags of one workspace the higher number wins. The lower one is left by an approval
 * that failed after its tag push and whose draft was then edited and published under the next number (a publish
 * adopts a tag of its workspace only when it holds the same files); the database holds the higher one.
 */
export function dedupe(found: DiscoveredRevision[], skipped: SkippedRef[]): DiscoveredRevision[] {
  const byName = new Map<string, DiscoveredRevision>();
  const byNumber = new Map<string, DiscoveredRevision>();
  const kept: DiscoveredRevision[] = [];
  const numberKey = (r: DiscoveredRevision) => `${r.packagePath}\0${r.revision}`;
  const clashes = (rev: DiscoveredRevision, other: DiscoveredRevision) => ({
    ref: rev.fullRef,
    reason: `package "${rev.packagePath}" revision ${rev.revision} workspace "${rev.workspace}" clashes with ${other.fullRef}`,
  });
  for (const rev of found) {
    const nameKey = `${rev.packagePath}\0${rev.workspace}`;
    const sameName = byName.get(nameKey);
    const sameNumber = rev.revision > 0 ? byNumber.get(numberKey(rev)) : undefined;
    if (sameName && !sameNumber && sameName.revision > 0 && rev.revision > sameName.revision) {
      kept[kept.indexOf(sameName)] = rev;
      byName.set(nameKey, rev);
      byNumber.delete(numberKey(sameName));
      byNumber.set(numberKey(rev), rev);
      skipped.push(clashes(sameName, rev));
      continue;
    }
    const clash = sameName ?? sameNumber;
    if (clash) {
      skipped.push(clashes(rev, clash));
      continue;
    }
    byName.set(nameKey, rev);
    if (rev.revision > 0) byNumber.set(numberKey(rev), rev);
    kept.push(rev);
  }
  return kept;
}
