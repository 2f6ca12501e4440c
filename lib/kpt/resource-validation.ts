import { ResourceError } from './errors.js';
import type { Files } from './types.js';

/** Longest resource path, in characters; the resources_path_safe CHECK of migrations/0001_schema.sql agrees. */
export const MAX_PATH_LENGTH = 4096;

export interface ResourceLimits {
  /** Largest single file, in UTF-8 bytes. */
  maxFileBytes: number;
  /** Largest package (all files together), in UTF-8 bytes. */
  maxTotalBytes: number;
  maxFiles: number;
}

/** Defaults sized to Porch's 6 MiB request limit: a package never holds more than one request can carry. */
export const DEFAULT_RESOURCE_LIMITS: ResourceLimits = {
  maxFileBytes: 6 * 1024 * 1024,
  maxTotalBytes: 6 * 1024 * 1024,
  maxFiles: 10_000,
};

// Unpaired UTF-16 surrogates cannot be stored as UTF-8 text.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The problem with a resource path, or undefined when it is safe: relative, normalised, no `.`/`..`. */
export function resourcePathProblem(path: string): string | undefined {
  if (path === '') return 'the path is empty; name the file relative to the package root, e.g. "deployment.yaml"';
  if ([...path].length > MAX_PATH_LENGTH) return `the path is longer than ${MAX_PATH_LENGTH} characters; shorten it`;
  if (path.includes('\0')) return 'the path contains a NUL byte; remove it';
  if (path.includes('\\')) return 'the path contains a backslash; separate directories with "/"';
  if (path.startsWith('/')) return 'absolute paths are not allowed; use a path relative to the package root';
  if (path.endsWith('/')) return 'the path ends with "/"; name a file, not a directory';
  if (path.includes('//')) return 'the path contains an empty segment ("//"); remove the extra "/"';
  if (path.split('/').some((s) => s === '.' || s === '..')) {
    return 'the path contains a "." or ".." segment; use a normalised path inside the package';
  }
  if (LONE_SURROGATE.test(path)) return 'the path is not valid Unicode text';
  return undefined;
}

/** Throws ResourceError (422) naming the path and what to fix when it is not a safe resource path. */
export function validateResourcePath(path: string): void {
  const problem = resourcePathProblem(path);
  if (problem) throw new ResourceError(path, problem);
}

/**
 * Checks a complete file set before it is stored: every value a string, every path safe, a Kptfile at the root,
 * text content (no NUL, valid Unicode), and the size limits. Throws ResourceError for the first problem, in path order.
 */
export function validateResources(
  files: unknown,
  limits: ResourceLimits = DEFAULT_RESOURCE_LIMITS,
): asserts files is Files {
  if (typeof files !== 'object' || files === null || Array.isArray(files)) {
    throw new ResourceError('', 'spec.resources must be a map of file path to file content');
  }
  const paths = Object.keys(files).sort();
  if (paths.length > limits.maxFiles) {
    throw new ResourceError('', `the package has ${paths.length} files; at most ${limits.maxFiles} are allowed`);
  }
  let total = 0;
  for (const path of paths) {
    validateResourcePath(path);
    const content = (files as Record<string, unknown>)[path];
    if (typeof content !== 'string') throw new ResourceError(path, 'the content must be a string');
    if (content.includes('\0')) {
      throw new ResourceError(path, 'the content contains a NUL byte; only text files can be stored');
    }
    if (LONE_SURROGATE.test(content)) throw new ResourceError(path, 'the content is not valid Unicode text');
    const bytes = Buffer.byteLength(content, 'utf8');
    if (bytes > limits.maxFileBytes) {
      throw new ResourceError(path, `the file has ${bytes} bytes; at most ${limits.maxFileBytes} are allowed`);
    }
    total += bytes;
  }
  if (total > limits.maxTotalBytes) {
    throw new ResourceError('', `the package has ${total} bytes; at most ${limits.maxTotalBytes} are allowed`);
  }
  if (!Object.hasOwn(files, 'Kptfile')) {
    throw new ResourceError('Kptfile', 'the package has no Kptfile at its root; add one (kind: Kptfile)');
  }
}

/**
 * Whether git file content can be imported as a resource (docs/porch-behaviour.md §1.3: text only; binary or NUL
 * content is dropped).
 */
export function isTextContent(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
