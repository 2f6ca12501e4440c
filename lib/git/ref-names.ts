/** Pure rules for reading Porch's ref names (docs/porch-behaviour.md §7.2); no I/O. */

/** Ref namespaces: branches, tags, and Porch's deletion-proposal branches (below refs/heads/). */
export const HEADS = 'refs/heads/';
export const TAGS = 'refs/tags/';
export const DELETION_PROPOSED = 'deletionProposed/';

/** fullpath of a package: directory + "/" + pkgpath, or pkgpath when the directory is the root. */
export function fullPath(directory: string, packagePath: string): string {
  return directory ? `${directory}/${packagePath}` : packagePath;
}

/** pkgpath of a fullpath below `directory`, or undefined when the fullpath is outside it (or is it). */
export function packagePathIn(directory: string, full: string): string | undefined {
  if (!directory) return full;
  if (!full.startsWith(`${directory}/`)) return undefined;
  return full.slice(directory.length + 1);
}

/** Trims `/` at both ends of spec.git.directory. */
export function normalizeDirectory(directory: string | undefined): string {
  return (directory ?? '').replace(/^\/+|\/+$/g, '');
}

/**
 * Revision of a tag suffix as Porch parses it: one leading `v` removed, then a (signed) decimal integer; anything
 * else is -1 (`v3` → 3, `7` → 7, `v2.0.0` → -1, `v0` → 0, `v-5` → -5).
 */
export function parseRevision(suffix: string): number {
  const digits = suffix.startsWith('v') ? suffix.slice(1) : suffix;
  if (!/^[+-]?[0-9]+$/.test(digits)) return -1;
  const value = Number(digits);
  // Go's Atoi fails beyond int64, which Porch also treats as "not a number".
  return Math.abs(value) > 2 ** 63 ? -1 : value;
}

export interface TagName {
  /** fullpath part: everything before the last `/`. */
  path: string;
  suffix: string;
}

/** Splits `refs/tags/<path>/<suffix>`; undefined for tags without `/` (release tags Porch ignores). */
export function parseTagRef(ref: string): TagName | undefined {
  if (!ref.startsWith(TAGS)) return undefined;
  const name = ref.slice(TAGS.length);
  const slash = name.lastIndexOf('/');
  if (slash <= 0 || slash === name.length - 1) return undefined;
  return { path: name.slice(0, slash), suffix: name.slice(slash + 1) };
}

/** The ref names Porch uses for a published revision. */
export function tagRef(full: string, revision: number): string {
  return `${TAGS}${full}/v${revision}`;
}

/** `deletionProposed/<fullpath>/v<N>` for N > 0, else `deletionProposed/<fullpath>/<ws>` (a branch). */
export function deletionProposedRef(full: string, revision: number, workspace: string): string {
  return `${HEADS}${DELETION_PROPOSED}${full}/${revision > 0 ? `v${revision}` : workspace}`;
}

/** Whether every `/`-separated component of `name` is one git accepts in a ref name (git check-ref-format). */
export function isValidRefName(name: string): boolean {
  return name.split('/').every(
    (c) =>
      c !== '' &&
      // biome-ignore lint/suspicious/noControlCharactersInRegex: git refuses control characters in ref names.
      !/[\x00-\x20\x7f~^:?*[\\]/.test(c) &&
      !c.includes('@{') &&
      !c.startsWith('.') &&
      !c.endsWith('.lock') &&
      !c.endsWith('.'),
  );
}
