/**
 * Credentials bound to where they may go (docs/access-control.md "Credentials"), like Argo CD's credential
 * templates: an entry with `urlPrefixes` is sent only to a URL under one of them: same scheme, host and port, and
 * a path that continues the prefix's path at a `/` boundary (so `https://git.example/acme` does not cover
 * `https://git.example/acme-evil` nor `https://git.example.evil`). Everything else is refused before any request.
 */
import { ApiError } from '../errors.js';
import { GitRefusedError } from './errors.js';
import type { GitAuth } from './types.js';

const MAX_PREFIXES = 100;

function parse(url: string): URL | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Reads an entry's `urlPrefixes` (absent = unbound); anything but a list of http(s) URLs is a configuration error. */
export function readUrlPrefixes(value: unknown, where: string): string[] | undefined {
  if (value === undefined) return undefined;
  const ok =
    Array.isArray(value) &&
    value.length > 0 &&
    value.length <= MAX_PREFIXES &&
    value.every((v) => typeof v === 'string' && parse(v) && !parse(v)!.username && !parse(v)!.search);
  if (!ok) throw new GitRefusedError('auth', `git credentials: ${where}: urlPrefixes must be a list of http(s) URLs`);
  return value as string[];
}

/** True when `url` lies under `prefix`. */
export function urlUnderPrefix(url: string, prefix: string): boolean {
  const target = parse(url);
  const base = parse(prefix);
  if (!target || !base || target.username || target.password) return false;
  if (target.protocol !== base.protocol || target.host !== base.host) return false;
  const path = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  return target.pathname === base.pathname || target.pathname.startsWith(path);
}

/** The credential for `url`, or a 403 naming where it may go when it is bound elsewhere (or no URL is given). */
export function checkCredentialUrl(
  scoped: { auth: GitAuth; urlPrefixes?: string[] },
  key: string,
  url: string | undefined,
): GitAuth {
  const prefixes = scoped.urlPrefixes;
  if (!prefixes || (url !== undefined && prefixes.some((p) => urlUnderPrefix(url, p)))) return scoped.auth;
  throw new ApiError(
    403,
    'Forbidden',
    `git credentials "${key}" may be sent only to URLs under ${prefixes.join(', ')}; refusing to send them to ${url ?? 'an unnamed URL'}`,
  );
}
