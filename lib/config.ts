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
  /** Pool size per container: Lambda serves one request at a time, so a small pool is enough. */
  databasePoolMax: number;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** Bearer token required by the local server when set. */
  apiToken: string | undefined;
  /** Timeout of every git HTTP request, in milliseconds. */
  gitTimeoutMs: number;
  /** Sync period for repositories without a schedule, in seconds. */
  syncDefaultPeriodSeconds: number;
}

export class ConfigError extends Error {}

function integer(env: NodeJS.ProcessEnv, key: string, fallback: number, min: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`${key} must be an integer ≥ ${min}, got "${raw}"`);
  }
  return value;
}

function optional(env: NodeJS.ProcessEnv, key: string): string | undefined {
  const value = env[key];
  return value === undefined || value === '' ? undefined : value;
}

/** Parses the configuration from an environment; throws ConfigError naming the bad variable. */
export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const ssl = optional(env, 'DATABASE_SSL') ?? 'off';
  if (ssl !== 'off' && ssl !== 'require' && ssl !== 'verify') {
    throw new ConfigError(`DATABASE_SSL must be off, require or verify, got "${ssl}"`);
  }
  return {
    databaseUrl: optional(env, 'DATABASE_URL'),
    databaseSecretArn: optional(env, 'DATABASE_SECRET_ARN'),
    databaseHost: optional(env, 'DATABASE_HOST'),
    databaseSsl: ssl,
    databasePoolMax: integer(env, 'DATABASE_POOL_MAX', 2, 1),
    maxBodyBytes: integer(env, 'MAX_BODY_BYTES', 6 * 1024 * 1024, 1024),
    apiToken: optional(env, 'API_TOKEN'),
    gitTimeoutMs: integer(env, 'GIT_TIMEOUT_MS', 30_000, 100),
    syncDefaultPeriodSeconds: integer(env, 'SYNC_DEFAULT_PERIOD_SECONDS', 3600, 10),
  };
}

let cached: Config | undefined;

/** The process's configuration, parsed on first use. */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
