/**
 * Failures talking to a git remote become UnavailableError (503, retryable) with a message that says what went
 * wrong; domain errors thrown inside git operations pass through unchanged.
 */
import { ApiError, UnavailableError } from '../errors.js';

interface ErrorLike {
  code?: string;
  message?: string;
  data?: { statusCode?: number; statusMessage?: string; response?: string };
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

/** A readable reason for a failed git request, without credentials. */
export function describeGitFailure(err: unknown, url: string): string {
  const e = (err ?? {}) as ErrorLike;
  const where = redact(url);
  const status = e.data?.statusCode;
  if (e.code === 'HttpError' && (status === 401 || status === 403)) {
    return `git: authentication failed for ${where} (HTTP ${status})`;
  }
  if (e.code === 'HttpError' && status === 404) return `git: repository ${where} not found (HTTP 404)`;
  if (e.code === 'HttpError') return `git: ${where} answered HTTP ${status} ${e.data?.statusMessage ?? ''}`.trim();
  if (e.code === 'ETIMEDOUT') return `git: ${e.message ?? 'request timed out'} (${where})`;
  if (e.code && NETWORK_CODES.has(e.code)) return `git: cannot reach ${where} (${e.code})`;
  return `git: ${where}: ${e.message ?? String(err)}`;
}

/** Hides user:password@ in a URL. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/** Converts anything thrown by a git call into UnavailableError unless it already is a domain error. */
export function toGitError(err: unknown, url: string): Error {
  if (err instanceof ApiError) return err;
  return new UnavailableError(describeGitFailure(err, url));
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
