/**
 * Credentials written into a git URL (`https://user:token@host/repo.git`). They may be used to fetch, but never
 * stored or published: a clone's lock and its Kptfile `upstream` are pushed to git for anyone to read.
 */
import type { GitAuth } from './types.js';

/** The URL without its userinfo, and the userinfo as basic-auth credentials when there was one. */
export function splitCredentials(url: string): { url: string; auth?: GitAuth } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url };
  }
  if (parsed.username === '' && parsed.password === '') return { url };
  const auth = { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString(), auth };
}

/** Whether the URL carries a user name or password. */
export const hasCredentials = (url: string) => splitCredentials(url).auth !== undefined;
