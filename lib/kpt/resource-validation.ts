/**
 * The one rule for package files (docs/limits.md): which paths git and every checkout can hold, which content is
 * text, and how many files and bytes one package revision may have. Every write path (create, update, resources PUT,
 * sync import, publish) asks here.
 */
import { config, DEFAULT_PACKAGE_MAX_BYTES } from '../config.js';
import { ResourceError } from './errors.js';
import type { Files } from './types.js';

/** Longest resource path, in characters; the resources_path_safe CHECK of migrations/0001_schema.sql agrees. */
export const MAX_PATH_LENGTH = 4096;

export interface ResourceLimits {
  /** Largest single file: its content's bytes in a response (responseTextBytes). */
  maxFileBytes: number;
  /** Largest package: every path and content in a response, with their quotes and separators. */
  maxTotalBytes: number;
  maxFiles: number;
}

/** The defaults of PACKAGE_MAX_BYTES and PACKAGE_MAX_FILES. */
export const DEFAULT_RESOURCE_LIMITS: ResourceLimits = {
  maxFileBytes: DEFAULT_PACKAGE_MAX_BYTES,
  maxTotalBytes: DEFAULT_PACKAGE_MAX_BYTES,
  maxFiles: 10_000,
};

/** The limits PACKAGE_MAX_FILES / PACKAGE_MAX_BYTES configure, the same for imports as for API writes. */
export function packageLimits(): ResourceLimits {
  const { packageMaxFiles, packageMaxBytes } = config();
  return { maxFiles: packageMaxFiles, maxTotalBytes: packageMaxBytes, maxFileBytes: packageMaxBytes };
}

// Unpaired UTF-16 surrogates cannot be stored as UTF-8 text.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses.
const CONTROL = /[\x00-\x1f\x7f]/;
// Code points HFS+ ignores when comparing names: `.g\u200cit` is `.git` on a Mac, and git refuses it (protectHFS).
const HFS_IGNORABLE = /[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/g;

/**
 * Whether a path component names the repository's own `.git` directory on some file system, as git's
 * verify_path refuses it: any case, NTFS's trailing dots and spaces and `::$INDEX_ALLOCATION` stream, the 8.3 short
 * name `git~1`, and HFS+'s ignorable code points.
 */
export function isDotGit(component: string): boolean {
  const name = component.replace(HFS_IGNORABLE, '').toLowerCase();
  if (name === 'git~1') return true;
  if (!name.startsWith('.git')) return false;
  const rest = name.slice(4);
  return /^[. ]*$/.test(rest) || rest.startsWith(':');
}

/** The problem with a resource path, or undefined when it is safe: relative, normalised, no `.`/`..`/`.git`. */
export function resourcePathProblem(path: string): string | undefined {
  if (path === '') return 'the path is empty; name the file relative to the package root, e.g. "deployment.yaml"';
  if ([...path].length > MAX_PATH_LENGTH) return `the path is longer than ${MAX_PATH_LENGTH} characters; shorten it`;
  if (path.includes('\0')) return 'the path contains a NUL byte; remove it';
  if (CONTROL.test(path)) return 'the path contains a control character; remove it';
  if (path.includes('\\')) return 'the path contains a backslash; separate directories with "/"';
  if (path.startsWith('/')) return 'absolute paths are not allowed; use a path relative to the package root';
  if (path.endsWith('/')) return 'the path ends with "/"; name a file, not a directory';
  if (path.includes('//')) return 'the path contains an empty segment ("//"); remove the extra "/"';
  const components = path.split('/');
  if (components.some((s) => s === '.' || s === '..')) {
    return 'the path contains a "." or ".." segment; use a normalised path inside the package';
  }
  if (components.some(isDotGit)) return 'the path names a ".git" directory, which git refuses in a tree';
  if (LONE_SURROGATE.test(path)) return 'the path is not valid Unicode text';
  return undefined;
}

/** Throws ResourceError (422) naming the path and what to fix when it is not a safe resource path. */
export function validateResourcePath(path: string): void {
  const problem = resourcePathProblem(path);
  if (problem) throw new ResourceError(path, problem);
}

export interface ResourceProblem {
  /** The file at fault; '' for the package as a whole. */
  path: string;
  problem: string;
}

/**
 * UTF-8 bytes `text` takes in the payload a Lambda function returns: escaped once as a JSON string in the response
 * body, then again because the body is itself a string in the payload. A `"` or `\\` takes 4 bytes (`\\\"`), a
 * control with a short escape (\n, \t, …) 3 and any other control 7 (`\\u0001`); other characters their UTF-8
 * bytes.
 */
export function responseTextBytes(text: string): number {
  let bytes = Buffer.byteLength(text, 'utf8');
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) bytes += 3;
    else if (c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d) bytes += 2;
    else if (c < 0x20) bytes += 6;
  }
  return bytes;
}

/** Bytes one file adds to `spec.resources` in that payload: `\"path\":\"content\",`. */
function fileResponseBytes(path: string, content: string): number {
  return responseTextBytes(path) + responseTextBytes(content) + 10;
}

/** The problem with one file's content, or undefined when it is text a resource can hold. */
export function contentProblem(content: unknown, maxFileBytes: number): string | undefined {
  if (typeof content !== 'string') return 'the content must be a string';
  if (content.includes('\0')) return 'the content contains a NUL byte; only text files can be stored';
  if (LONE_SURROGATE.test(content)) return 'the content is not valid Unicode text (a lone UTF-16 surrogate)';
  const bytes = responseTextBytes(content);
  if (bytes > maxFileBytes) return `the file has ${bytes} bytes in a response; at most ${maxFileBytes} are allowed`;
  return undefined;
}

/**
 * Every problem of a file set, in path order: the count limit first (nothing else is looked at beyond it), then
 * each path and content, a file that is also another file's directory, and the total size. Empty when it can be
 * stored and published. Does not require a Kptfile (callers word that rule themselves).
 */
export function resourceProblems(files: unknown, limits: ResourceLimits = DEFAULT_RESOURCE_LIMITS): ResourceProblem[] {
  if (typeof files !== 'object' || files === null || Array.isArray(files)) {
    return [{ path: '', problem: 'spec.resources must be a map of file path to file content' }];
  }
  const paths = Object.keys(files);
  if (paths.length > limits.maxFiles) {
    return [{ path: '', problem: `the package has ${paths.length} files; at most ${limits.maxFiles} are allowed` }];
  }
  paths.sort();
  const problems: ResourceProblem[] = [];
  let total = 0;
  for (const path of paths) {
    const content = (files as Record<string, unknown>)[path];
    const problem = resourcePathProblem(path) ?? contentProblem(content, limits.maxFileBytes);
    if (problem) problems.push({ path, problem });
    else total += fileResponseBytes(path, content as string);
    // git cannot hold `a` as a file and as the directory of `a/b`: such a tree is corrupt (duplicate entries).
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (Object.hasOwn(files, dir))
        problems.push({ path, problem: `its directory ${JSON.stringify(dir)} is also a file` });
    }
  }
  if (total > limits.maxTotalBytes) {
    problems.push({
      path: '',
      problem: `the package has ${total} bytes in a response; at most ${limits.maxTotalBytes} are allowed`,
    });
  }
  return problems;
}

/**
 * Checks a complete file set before it is stored: resourceProblems plus a Kptfile at the root. Throws
 * ResourceError for the first problem.
 */
export function validateResources(
  files: unknown,
  limits: ResourceLimits = DEFAULT_RESOURCE_LIMITS,
): asserts files is Files {
  const [first] = resourceProblems(files, limits);
  if (first) throw new ResourceError(first.path, first.problem);
  if (!Object.hasOwn(files as object, 'Kptfile')) {
    throw new ResourceError('Kptfile', 'the package has no Kptfile at its root; add one (kind: Kptfile)');
  }
}

// ignoreBOM: a leading byte-order mark is part of the file and must survive a sync and a publish unchanged.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Text of file content, or undefined for binary content (NUL bytes or invalid UTF-8), which resources cannot hold. */
export function decodeText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}
