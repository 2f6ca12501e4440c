import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Typed service configuration, parsed once from the environment; a bad value fails at start, not mid-request. */
export interface Config {
  /** Connection string used when no secret is configured (local runs, tests). */
  databaseUrl: string | undefined;
  /** Secrets Manager secret holding {host, port, username, password, dbname} (AWS). */
  databaseSecretArn: string | undefined;
  /** Host that overrides the secret's `host` (an RDS Proxy endpoint in front of the database). */
  databaseHost: string | undefined;
  /** TLS to PostgreSQL: off, require (encrypted, unverified) or verify (encrypted, CA-verified). */
  databaseSsl: 'off' | 'require' | 'verify';
  /** PEM file of the authorities `verify` trusts instead of the bundled Amazon RDS ones. */
  databaseSslCaFile: string | undefined;
  /** Pool size per container: Lambda serves one request at a time, so a small pool is enough. */
  databasePoolMax: number;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** Most files one package revision may hold. */
  packageMaxFiles: number;
  /** Most bytes (all files' UTF-8 content together) one package revision may hold. */
  packageMaxBytes: number;
  /** Deepest nesting of arrays and objects accepted in a request body. */
  maxBodyDepth: number;
  /** A list response stops adding items at this many bytes of JSON and returns a `continue` token. */
  listMaxBytes: number;
  /** Bearer token required by the local server when set. */
  apiToken: string | undefined;
  /** Timeout of every git HTTP request, in milliseconds. */
  gitTimeoutMs: number;
  /** Sync period for repositories without a schedule, in seconds. */
  syncDefaultPeriodSeconds: number;
  /** Secrets Manager name prefix of git credentials, `<prefix><namespace>/<secretRef>` (AWS). */
  gitSecretPrefix: string | undefined;
  /** JSON file of git credentials keyed `<namespace>/<secretRef>` (local runs). */
  gitCredentialsFile: string | undefined;
  /** Local server: port on 127.0.0.1 (0 = any free port). */
  port: number;
  /** Local server: embedded PostgreSQL data directory; under os.tmpdir() so the `postgres` OS user can reach it. */
  dataDir: string;
  /** Local server: identity requests run as (updated_by, publishedBy); undefined = the OS user. */
  localUser: string | undefined;
  /** Local server: HTTPS with a self-signed certificate; auto = when API_TOKEN is set (kubectl sends tokens only over TLS). */
  localTls: 'auto' | 'on' | 'off';
  /** Local server: pool size; it serves many requests at once, unlike a Lambda container. */
  localPoolMax: number;
  /** Local server: how often the in-process sync fan-out looks for due repositories, in seconds. */
  syncIntervalSeconds: number;
  /** The per-repository sync function that syncs are invoked on asynchronously (AWS); unset = in-process. */
  syncFunctionName: string | undefined;
  /** How many asynchronous sync invokes the scheduled fan-out has in flight at once. */
  syncFanoutConcurrency: number;
}

export class ConfigError extends Error {}

function integer<T extends number | undefined>(
  env: NodeJS.ProcessEnv,
  key: string,
  fallback: T,
  min: number,
  max = Infinity,
): number | T {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `≥ ${min}` : `in ${min}..${max}`;
    throw new ConfigError(`${key} must be an integer ${range}, got "${raw}"`);
  }
  return value;
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, key: string, allowed: readonly T[], fallback: T): T {
  const raw = optional(env, key) ?? fallback;
  if (!allowed.includes(raw as T))
    throw new ConfigError(`${key} must be ${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}, got "${raw}"`);
  return raw as T;
}

function optional(env: NodeJS.ProcessEnv, key: string): string | undefined {
  const value = env[key];
  return value === undefined || value === '' ? undefined : value;
}

/** Parses the configuration from an environment; throws ConfigError naming the bad variable. */
export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const poolMax = integer(env, 'DATABASE_POOL_MAX', undefined, 1, 100);
  return {
    databaseUrl: optional(env, 'DATABASE_URL'),
    databaseSecretArn: optional(env, 'DATABASE_SECRET_ARN'),
    databaseHost: optional(env, 'DATABASE_HOST'),
    databaseSsl: oneOf(env, 'DATABASE_SSL', ['off', 'require', 'verify'], 'off'),
    databaseSslCaFile: optional(env, 'DATABASE_SSL_CA_FILE'),
    databasePoolMax: poolMax ?? 2,
    maxBodyBytes: integer(env, 'MAX_BODY_BYTES', 6 * 1024 * 1024, 1024),
    packageMaxFiles: integer(env, 'PACKAGE_MAX_FILES', 10_000, 1),
    packageMaxBytes: integer(env, 'PACKAGE_MAX_BYTES', 6 * 1024 * 1024, 1024),
    maxBodyDepth: integer(env, 'MAX_BODY_DEPTH', 100, 2, 10_000),
    listMaxBytes: integer(env, 'LIST_MAX_BYTES', 4 * 1024 * 1024, 64 * 1024),
    apiToken: optional(env, 'API_TOKEN'),
    gitTimeoutMs: integer(env, 'GIT_TIMEOUT_MS', 30_000, 100),
    syncDefaultPeriodSeconds: integer(env, 'SYNC_DEFAULT_PERIOD_SECONDS', 3600, 10),
    gitSecretPrefix: optional(env, 'GIT_SECRET_PREFIX'),
    gitCredentialsFile: optional(env, 'GIT_CREDENTIALS_FILE'),
    port: integer(env, 'PORT', 8080, 0, 65_535),
    dataDir: optional(env, 'PORCH_DATA_DIR') ?? join(tmpdir(), 'porch-serverless-data'),
    localUser: optional(env, 'LOCAL_USER'),
    localTls: oneOf(env, 'LOCAL_TLS', ['auto', 'on', 'off'], 'auto'),
    localPoolMax: poolMax ?? 10,
    syncIntervalSeconds: integer(env, 'SYNC_INTERVAL_SECONDS', 30, 1, 86_400),
    syncFunctionName: optional(env, 'SYNC_FUNCTION_NAME'),
    syncFanoutConcurrency: integer(env, 'SYNC_FANOUT_CONCURRENCY', 10, 1, 1000),
  };
}

let cached: Config | undefined;

/** The process's configuration, parsed on first use. */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
