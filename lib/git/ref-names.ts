/** Pure rules for reading Porch's ref names (docs/porch-semantics.md §7.2); no I/O. */
import type { SkippedRef } from './types.js';

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

/** Longest ref name read from a remote; git has no limit, but a 60 KB name is an attack, not a tag. */
export const MAX_REF_NAME = 4096;

/** Whether `name` is one git accepts as a ref name (git check-ref-format: every rule of its components). */
export function isValidRefName(name: string): boolean {
  return (
    name !== '@' &&
    !name.includes('..') &&
    name.split('/').every(
      (c) =>
        c !== '' &&
        // biome-ignore lint/suspicious/noControlCharactersInRegex: git refuses control characters in ref names.
        !/[\x00-\x20\x7f~^:?*[\\]/.test(c) &&
        !c.includes('@{') &&
        !c.startsWith('.') &&
        !c.endsWith('.lock') &&
        !c.endsWith('.'),
    )
  );
}

// A name shown in a status: control characters spelled out, and no more of it than identifies it.
function printable(name: string): string {
  const shown = name
    .slice(0, 200)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: these are what is spelled out.
    .replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return name.length > 200 ? `${shown}…` : shown;
}

/** Why a ref name from a remote is not used, or undefined when it is a name git itself would accept. */
export function refNameProblem(name: string): string | undefined {
  if (name.length > MAX_REF_NAME) return `the ref name is longer than ${MAX_REF_NAME} characters`;
  // A name whose bytes are not UTF-8 arrives with U+FFFD in their place: it is not the ref's real name.
  if (name.includes('\ufffd')) return 'the ref name is not UTF-8';
  if (!isValidRefName(name)) return 'git does not accept this ref name (git check-ref-format)';
  return undefined;
}

/**
 * The refs whose names git accepts, and the others as skipped refs named printably, so that a hostile name (a NUL,
 * control characters, `..`, 60 KB) is reported like any other skipped ref and never stored or fetched.
 */
export function partitionRefs(refs: Record<string, string>): { refs: Record<string, string>; skipped: SkippedRef[] } {
  const good: Record<string, string> = {};
  const skipped: SkippedRef[] = [];
  for (const [name, oid] of Object.entries(refs)) {
    const problem = refNameProblem(name);
    if (problem) skipped.push({ ref: printable(name), reason: problem });
    else good[name] = oid;
  }
  return { refs: good, skipped };
}
