import { createHash } from 'node:crypto';

/**
 * The repository version (docs/porch-semantics.md §8.2): a digest over every ref name and target, order-independent.
 */
export function refsVersion(refs: Record<string, string>): string {
  const hash = createHash('sha256');
  for (const name of Object.keys(refs).sort()) hash.update(`${name}\0${refs[name]}\n`);
  return hash.digest('hex');
}

/** The refs that are new or point elsewhere than before (deleted refs are not listed: they need no fetch). */
export function changedRefs(previous: Record<string, string>, current: Record<string, string>): string[] {
  return Object.keys(current)
    .filter((name) => previous[name] !== current[name])
    .sort();
}
