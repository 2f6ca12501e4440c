/**
 * Who a request to the local server is (docs/access-control.md "Local server"). With neither API_TOKEN nor a
 * token file, every request runs as the server's owner, as before (single user). With API_TOKEN, that token is the
 * owner; with TOKEN_AUTH_FILE, each of its tokens is its user. The owner is in the bootstrap admin group.
 */
import type { Identity } from '../rbac/types.js';
import { AUTHENTICATED_GROUP } from './identity-settings.js';
import { findToken, sameToken, type TokenEntry } from './token-file.js';

export interface LocalAuthOptions {
  /** The server owner's user name (LOCAL_USER, else the OS user). */
  owner: string;
  apiToken?: string;
  tokens?: TokenEntry[];
  bootstrapAdminGroup: string;
}

/** Undefined: the request carries no valid credentials (a 401 where the route needs them). */
export type LocalAuthenticator = (authorization: string | undefined) => Identity | undefined;

/** Builds the local server's authenticator from its settings. */
export function localAuthenticator(options: LocalAuthOptions): LocalAuthenticator {
  const owner: Identity = { user: options.owner, groups: [options.bootstrapAdminGroup, AUTHENTICATED_GROUP] };
  const tokens = options.tokens ?? [];
  if (!options.apiToken && tokens.length === 0) return () => owner;
  return (authorization) => {
    const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
    if (!match) return undefined;
    const given = match[1]!.trim();
    const fromFile = findToken(tokens, given);
    if (options.apiToken && sameToken(given, options.apiToken)) return owner;
    return fromFile;
  };
}
