/**
 * Typed failures of git remotes. The code is set where the failure is known (an HTTP status, a socket error, a
 * bound, the outbound policy, a refusal in git's own protocol framing), so nothing downstream reads messages.
 * Messages are in our words; the only remote text ever carried is a git-protocol reason (`ERR …`, `unpack …`,
 * `ng <ref> <reason>`), sanitised. Bodies of non-git responses go nowhere (docs/git-transport.md).
 */
import { STATUS_CODES } from 'node:http';
import { ApiError, UnavailableError } from '../errors.js';
import { logger } from '../log.js';

export type GitFailureCode =
  | 'auth'
  | 'not-found'
  | 'timeout'
  | 'rate-limited'
  | 'tls'
  | 'unreachable'
  | 'protocol'
  | 'refused'
  | 'too-large'
  | 'policy';

/** A failure talking to a git remote; `permanent` marks refusals that retrying cannot change. */
export class GitError extends Error {
  constructor(
    readonly code: GitFailureCode,
    message: string,
    readonly permanent = false,
  ) {
    super(message);
    this.name = 'GitError';
  }
}

/** The API form of a retryable GitError: 503 (docs/api.md), with the failure code for the retry policy. */
export class GitUnavailableError extends UnavailableError {
  constructor(
    readonly failure: GitFailureCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Failures only the caller can fix (docs/api.md "Errors"): a URL the policy refuses, credentials the remote refuses
 * or cannot be found, a repository or branch that does not exist. A request gets a 422, never a 503 to retry forever;
 * the sync keeps retrying them, slowly (lib/sync/retry-delay.ts), as a person may fix them meanwhile.
 */
const CALLER_FIXES: ReadonlySet<GitFailureCode> = new Set(['policy', 'auth', 'not-found']);

/**
 * The API form of a GitError retrying cannot fix: 422 for what the caller must fix (with the field that named it
 * when the request named it), 409 for a push the remote refuses.
 */
export class GitRefusedError extends ApiError {
  constructor(
    readonly failure: GitFailureCode,
    message: string,
    field?: string,
  ) {
    const invalid = CALLER_FIXES.has(failure);
    super(
      invalid ? 422 : 409,
      invalid ? 'Invalid' : 'Conflict',
      message,
      field ? { causes: [{ reason: 'FieldValueInvalid', message, field }] } : undefined,
    );
  }
}

/** The error with `field` named as the request field that caused it, when it is a failure the caller must fix. */
export function blameField(err: unknown, field: string): unknown {
  if (err instanceof GitRefusedError && err.code === 422) return new GitRefusedError(err.failure, err.message, field);
  return err;
}

/** The failure code of an error from the git layer, if it has one. */
export function gitFailureOf(err: unknown): GitFailureCode | undefined {
  if (err instanceof GitError) return err.code;
  if (err instanceof GitUnavailableError || err instanceof GitRefusedError) return err.failure;
  return undefined;
}

const MAX_REASON = 200;

/** A remote's git-protocol reason made safe to show: printable ASCII, one line, at most 200 characters. */
export function sanitizeReason(text: string | Buffer): string {
  const raw = typeof text === 'string' ? text : text.toString('latin1');
  const clean = raw
    .replace(/[^\x20-\x7e]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
  return clean.length > MAX_REASON ? `${clean.slice(0, MAX_REASON - 1)}…` : clean;
}

/** The URL without credentials, query or fragment: what our messages name as the remote. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '<invalid URL>';
  }
}

/** The failure for an HTTP status that is not the answer a git step expects; the body is never read into it. */
export function httpStatusError(status: number, step: string, url: string): GitError {
  const where = redact(url);
  if (status === 401 || status === 403)
    return new GitError('auth', `git: credentials refused by ${where} (HTTP ${status})`);
  if (status === 404) return new GitError('not-found', `git: repository ${where} not found (HTTP 404)`);
  if (status === 429) return new GitError('rate-limited', `git: ${where} is rate limiting requests (HTTP 429)`);
  const text = STATUS_CODES[status] ? ` ${STATUS_CODES[status]}` : '';
  return new GitError('protocol', `git: ${where} answered HTTP ${status}${text} to ${step}`);
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
]);

const TLS = /^(CERT_|ERR_TLS_|ERR_SSL_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|EPROTO$|HOSTNAME_MISMATCH)/;

/**
 * Classifies anything a git call threw (socket errors by their errno code) as a GitError naming the remote. An
 * unknown failure's own message stays in the log: it may name files, hosts or internals.
 */
export function asGitError(err: unknown, url: string): GitError {
  if (err instanceof GitError) return err;
  const code = (err as { code?: unknown } | undefined)?.code;
  const where = redact(url);
  if (typeof code === 'string' && UNREACHABLE.has(code)) {
    return new GitError('unreachable', `git: cannot reach ${where} (${code})`);
  }
  if (typeof code === 'string' && TLS.test(code))
    return new GitError('tls', `git: TLS failure with ${where} (${code})`);
  if (err instanceof RangeError) return new GitError('too-large', `git: ${where} sent more than a limit allows`);
  logger.warn('git: unexpected failure', { remote: where, error: err instanceof Error ? err : String(err) });
  return new GitError('protocol', `git: unexpected failure talking to ${where}`);
}

/** A bug in our code, not a failure of the remote: it stays a 500 whose body shows only the request id. */
const isProgrammingError = (err: unknown): err is Error => err instanceof TypeError || err instanceof ReferenceError;

/** Converts anything thrown by a git call into its API error unless it is a domain or a programming error. */
export function toGitError(err: unknown, url: string): Error {
  if (err instanceof ApiError || isProgrammingError(err)) return err;
  const git = asGitError(err, url);
  if (git.permanent || CALLER_FIXES.has(git.code)) return new GitRefusedError(git.code, git.message);
  return new GitUnavailableError(git.code, git.message);
}

/** Runs a remote git call, mapping its failures through toGitError. */
export async function remoteCall<T>(url: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toGitError(err, url);
  }
}

/** 422: the git content a request names is not usable (unknown ref, no package at a path). */
export class GitContentError extends ApiError {
  constructor(message: string) {
    super(422, 'Invalid', message);
  }
}
