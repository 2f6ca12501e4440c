/**
 * Resource-file rules over lib/kpt: safe paths (docs/porch-behaviour.md §6.1, docs/api.md) and YAML comment carry-over.
 */
import { carryOverComments as carry } from '../../kpt/comment-carry-over.js';
import { resourcePathProblem } from '../../kpt/resource-validation.js';
import type { Files } from '../../kpt/types.js';

/** Why a resource path is unsafe (absolute, `..`, NUL, backslash, empty), or undefined when it is fine. */
export function checkResourcePath(path: string): string | undefined {
  return resourcePathProblem(path);
}

/**
 * The new file set, with comments of unchanged YAML objects carried over from the old one (docs/porch-behaviour.md
 * §6.1).
 */
export function carryOverComments(old: Files, sent: Files): Files {
  return carry(old, sent);
}
