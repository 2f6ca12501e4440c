/**
 * Resource-file rules over lib/kpt: the package file rule with the configured limits (docs/porch-semantics.md
 * §6.1), comment carry-over.
 */
import { invalidValue } from '../../errors.js';
import { carryOverComments as carry } from '../../kpt/comment-carry-over.js';
import { packageLimits, resourcePathProblem, resourceProblems } from '../../kpt/resource-validation.js';
import type { Files } from '../../kpt/types.js';
import { invalidResources } from './refs.js';

/** Why a resource path is unsafe (absolute, `..`, `.git`, control characters, …), or undefined when it is fine. */
export function checkResourcePath(path: string): string | undefined {
  return resourcePathProblem(path);
}

const MAX_CAUSES = 50;

/** 422 naming every file at fault when `files` cannot be stored and published; the files otherwise. */
export function checkResources(name: string, files: unknown, invalid = invalidResources): Files {
  const problems = resourceProblems(files, packageLimits());
  if (problems.length) {
    throw invalid(
      name,
      // The first problems are enough to act on; a response naming ten thousand files helps nobody.
      ...problems
        .slice(0, MAX_CAUSES)
        .map(({ path, problem }) =>
          path === ''
            ? invalidValue('spec.resources', '', problem)
            : invalidValue(`spec.resources[${JSON.stringify(path)}]`, path, problem),
        ),
    );
  }
  return files as Files;
}

/**
 * The new file set, with comments of unchanged YAML objects carried over from the old one (docs/porch-semantics.md
 * §6.1).
 */
export function carryOverComments(old: Files, sent: Files): Files {
  return carry(old, sent);
}
