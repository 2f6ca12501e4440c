/**
 * Credentials for a Repository's spec.git.secretRef. In AWS (GIT_SECRET_PREFIX set) from the Secrets Manager secret
 * `<prefix><namespace>/<name>`; locally from the JSON file named by GIT_CREDENTIALS_FILE, keyed `<namespace>/<name>`.
 * Either holds {"username": …, "password": …} (a token goes in password) or {"bearerToken": …}, and optionally
 * "urlPrefixes": the only URLs it may be sent to (docs/access-control.md "Credentials").
 */
import { readFile } from 'node:fs/promises';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { config, type Config } from '../config.js';
import { logger } from '../log.js';
import { GitRefusedError, GitUnavailableError } from './errors.js';
import type { GitAuth } from './types.js';
import { checkCredentialUrl, readUrlPrefixes } from './credential-scope.js';

export interface AuthSources {
  /** Where credentials live; default: the process's configuration. */
  settings?: Partial<Pick<Config, 'gitSecretPrefix' | 'gitCredentialsFile'>>;
  /** Injected in tests; a client is created on first use otherwise. */
  secrets?: Pick<SecretsManagerClient, 'send'>;
  /** Where the credential is about to be sent; one bound to URL prefixes is refused anywhere else (or without). */
  url?: string;
}

const TTL_MS = 5 * 60_000;
const cache = new Map<string, { auth: ScopedAuth; expires: number }>();

type ScopedAuth = { auth: GitAuth; urlPrefixes?: string[] };
let client: SecretsManagerClient | undefined;

/** Resolves spec.git.secretRef of a Repository in `namespace`; undefined when there is no secretRef. */
export async function resolveGitAuth(
  secretRef: { name: string } | undefined,
  namespace: string,
  sources: AuthSources = {},
): Promise<GitAuth | undefined> {
  if (!secretRef?.name) return undefined;
  const { gitSecretPrefix, gitCredentialsFile } = sources.settings ?? config();
  const key = `${namespace}/${secretRef.name}`;
  if (gitSecretPrefix) {
    const id = `${gitSecretPrefix}${key}`;
    const hit = cache.get(id);
    if (hit && hit.expires > Date.now()) return checkCredentialUrl(hit.auth, key, sources.url);
    const secrets = sources.secrets ?? (client ??= new SecretsManagerClient({}));
    let text: string | undefined;
    try {
      text = (await secrets.send(new GetSecretValueCommand({ SecretId: id }))).SecretString;
    } catch (err) {
      // A secret that does not exist is the caller's to create; anything else (throttling, network) may pass.
      if ((err as Error).name === 'ResourceNotFoundException') throw noCredentials(key);
      logger.error('git credentials: Secrets Manager failed', { secretId: id, error: err as Error });
      throw new GitUnavailableError('auth', `git credentials for secretRef "${key}" cannot be read now`);
    }
    const auth = parseCredentials(text, key);
    cache.set(id, { auth, expires: Date.now() + TTL_MS });
    return checkCredentialUrl(auth, key, sources.url);
  }
  if (gitCredentialsFile) {
    const file = gitCredentialsFile;
    let all: Record<string, unknown>;
    try {
      all = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      // The path and the OS error are the operator's to see, not the caller's.
      logger.error('git credentials: file cannot be read', { file, error: err as Error });
      throw new GitUnavailableError('auth', 'git credentials file cannot be read');
    }
    if (!(key in all)) throw noCredentials(key);
    return checkCredentialUrl(parseCredentials(JSON.stringify(all[key]), key), key, sources.url);
  }
  throw new GitUnavailableError(
    'auth',
    `git credentials for secretRef "${key}": set GIT_CREDENTIALS_FILE (local) or GIT_SECRET_PREFIX (AWS)`,
  );
}

/** 422: the secretRef names no credentials; whoever wrote it must create them (docs/api.md "Errors"). */
const noCredentials = (key: string) =>
  new GitRefusedError('auth', `git credentials: secretRef "${key}" names no credentials`);

/** The credentials stored for secretRef `key`; malformed ones are the caller's to fix, so a 422. */
function parseCredentials(text: string | undefined, key: string): ScopedAuth {
  const where = `secretRef "${key}"`;
  let value: Record<string, unknown> = {};
  try {
    value = JSON.parse(text ?? '') as Record<string, unknown>;
  } catch {
    // reported below
  }
  const urlPrefixes = readUrlPrefixes(value.urlPrefixes, where);
  const scope = urlPrefixes ? { urlPrefixes } : {};
  if (typeof value.bearerToken === 'string' && value.bearerToken)
    return { auth: { bearerToken: value.bearerToken }, ...scope };
  if (typeof value.username === 'string' && typeof value.password === 'string') {
    return { auth: { username: value.username, password: value.password }, ...scope };
  }
  throw new GitRefusedError('auth', `git credentials: ${where} must hold {"username","password"} or {"bearerToken"}`);
}
