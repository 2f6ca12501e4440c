import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ipaddr from 'ipaddr.js';

/** Non-public git hosts the outbound policy lets through: address ranges and host names (docs/git-transport.md). */
export interface AllowedNetworks {
  cidrs: [ipaddr.IPv4 | ipaddr.IPv6, number][];
  /** Lower-case host names; `*.example.com` allows every name under example.com. */
  hosts: string[];
}

/** Limits on what one git operation may receive (docs/git-transport.md). */
export interface GitLimits {
  /** Whole operation, every request of it from connect to the last body byte, in milliseconds. */
  deadlineMs: number;
  /** Largest packfile one fetch may receive, in bytes. */
  maxPackBytes: number;
  /** Largest object once inflated (or rebuilt from a delta), in bytes. */
  maxObjectBytes: number;
  /** All objects inflated by one operation together, in bytes. */
  maxInflatedBytes: number;
  /** Refs one listing may hold. */
  maxRefs: number;
  /** Longest ref line (name, oid and capabilities) accepted, in bytes. */
  maxRefLineBytes: number;
  /** Largest ref listing or advertisement response, in bytes. */
  maxAdvertisementBytes: number;
}
import { DEFAULT_IDENTITY_SETTINGS, type IdentitySettings } from './auth/identity-settings.js';

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
  /** Local server: kube-apiserver-style static token file (`token,user,uid,"groups"`), one user per line. */
  tokenAuthFile: string | undefined;
  /** How token claims become user and groups, and the bootstrap admin group (docs/access-control.md). */
  identity: IdentitySettings;
  /** Longest silence of a git server (connect, first byte, between bytes), in milliseconds. */
  gitTimeoutMs: number;
  /** Bounds on what a git remote may send. */
  gitLimits: GitLimits;
  /** Private, loopback and other non-public git hosts allowed; in Lambda none by default, elsewhere loopback. */
  gitAllowedNetworks: AllowedNetworks;
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
  /** How often watches look for new changes, in milliseconds (one query per process, whatever the watch count). */
  watchPollMs: number;
  /** The longest a watch runs before the server ends it (clients re-watch from their last version), in seconds. */
  watchMaxSeconds: number;
  /** Open watches per process; more are refused with 429 (each holds a socket and a little memory). */
  watchMaxOpen: number;
  /** How often a watch with allowWatchBookmarks sends a BOOKMARK, in seconds. */
  watchBookmarkSeconds: number;
  /** How long change-log entries are kept (a watch from an older version is 410 Expired), in seconds. */
  changeLogRetentionSeconds: number;
  /** How long entries the event relay has not yet published are kept beyond the retention, in seconds. */
  eventRelayGraceSeconds: number;
  /** EventBridge bus the relay publishes to (AWS); unset = lifecycle events go to the log. */
  eventBusName: string | undefined;
  /** Watch function: the JWT issuer and audiences it accepts (the API's authorizer settings). */
  jwtIssuer: string | undefined;
  jwtAudience: string[];
  /** Watch function: where the issuer's signing keys are (default: `<issuer>/.well-known/jwks.json`). */
  jwtJwksUri: string | undefined;
  /** JSON file of KRM function image → local executable (docs/render.md). */
  krmFunctionsFile: string | undefined;
  /** JSON object of KRM function image → Lambda function name, written by the deployment (AWS). */
  krmFunctionLambdas: Record<string, string>;
  /** Local container engine for other function images: auto (docker or podman when one answers) or off. */
  krmContainerRuntime: 'auto' | 'docker' | 'podman' | 'off';
  /** Time limit of one function run, in milliseconds. */
  krmFunctionTimeoutMs: number;
  /** Largest output of one function run, in bytes. */
  krmFunctionMaxOutputBytes: number;
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

const MIB = 1024 * 1024;

/**
 * PACKAGE_MAX_BYTES' default: a package's files counted as a Lambda response carries them (docs/limits.md). A GET
 * of the largest package adds only its metadata, so the response stays under the 6 MB a Lambda function may return.
 */
export const DEFAULT_PACKAGE_MAX_BYTES = 4 * MIB;

const LOOPBACK = '127.0.0.0/8,::1/128';

/**
 * GIT_ALLOWED_NETWORKS: comma- or space-separated CIDRs, addresses and host names, or `none`. Unset: none in
 * Lambda (AWS_LAMBDA_FUNCTION_NAME is set there), loopback elsewhere so the local walk-through works.
 */
function allowedNetworks(env: NodeJS.ProcessEnv): AllowedNetworks {
  const raw = optional(env, 'GIT_ALLOWED_NETWORKS') ?? (env.AWS_LAMBDA_FUNCTION_NAME ? 'none' : LOOPBACK);
  const result: AllowedNetworks = { cidrs: [], hosts: [] };
  for (const entry of raw.split(/[\s,]+/).filter(Boolean)) {
    if (entry === 'none') continue;
    if (entry.includes('/')) {
      if (!ipaddr.isValidCIDR(entry)) throw new ConfigError(`GIT_ALLOWED_NETWORKS: "${entry}" is not a valid CIDR`);
      result.cidrs.push(ipaddr.parseCIDR(entry));
    } else if (ipaddr.isValid(entry)) {
      const address = ipaddr.parse(entry);
      result.cidrs.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else if (/^(\*\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(entry)) {
      result.hosts.push(entry.toLowerCase());
    } else {
      throw new ConfigError(`GIT_ALLOWED_NETWORKS: "${entry}" is neither a CIDR, an address nor a host name`);
    }
  }
  return result;
}

/** A JSON object of strings from the environment (KRM_FUNCTION_LAMBDAS); `{}` when unset. */
function stringRecord(env: NodeJS.ProcessEnv, key: string): Record<string, string> {
  const raw = optional(env, key);
  if (raw === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(`${key} must be a JSON object of strings`);
  }
  if (
    !parsed ||
    typeof parsed !== 'object' ||
    Array.isArray(parsed) ||
    Object.values(parsed).some((v) => typeof v !== 'string')
  ) {
    throw new ConfigError(`${key} must be a JSON object of strings`);
  }
  return parsed as Record<string, string>;
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
    packageMaxBytes: integer(env, 'PACKAGE_MAX_BYTES', DEFAULT_PACKAGE_MAX_BYTES, 1024),
    maxBodyDepth: integer(env, 'MAX_BODY_DEPTH', 100, 2, 10_000),
    listMaxBytes: integer(env, 'LIST_MAX_BYTES', 4 * 1024 * 1024, 64 * 1024),
    apiToken: optional(env, 'API_TOKEN'),
    tokenAuthFile: optional(env, 'TOKEN_AUTH_FILE'),
    identity: {
      usernameClaim: optional(env, 'OIDC_USERNAME_CLAIM') ?? DEFAULT_IDENTITY_SETTINGS.usernameClaim,
      usernamePrefix: env.OIDC_USERNAME_PREFIX === '' ? undefined : env.OIDC_USERNAME_PREFIX,
      groupsClaim: optional(env, 'OIDC_GROUPS_CLAIM') ?? DEFAULT_IDENTITY_SETTINGS.groupsClaim,
      groupsPrefix: optional(env, 'OIDC_GROUPS_PREFIX') ?? DEFAULT_IDENTITY_SETTINGS.groupsPrefix,
      bootstrapAdminGroup: optional(env, 'BOOTSTRAP_ADMIN_GROUP') ?? DEFAULT_IDENTITY_SETTINGS.bootstrapAdminGroup,
      bootstrapAdminUsers: (optional(env, 'BOOTSTRAP_ADMIN_USERS') ?? '')
        .split(',')
        .map((u) => u.trim())
        .filter(Boolean),
    },
    gitTimeoutMs: integer(env, 'GIT_TIMEOUT_MS', 30_000, 100),
    gitLimits: {
      deadlineMs: integer(env, 'GIT_DEADLINE_MS', 120_000, 100),
      maxPackBytes: integer(env, 'GIT_MAX_PACK_BYTES', 128 * MIB, 1024),
      maxObjectBytes: integer(env, 'GIT_MAX_OBJECT_BYTES', 64 * MIB, 1024),
      maxInflatedBytes: integer(env, 'GIT_MAX_INFLATED_BYTES', 384 * MIB, 1024),
      maxRefs: integer(env, 'GIT_MAX_REFS', 100_000, 1),
      maxRefLineBytes: integer(env, 'GIT_MAX_REF_LINE_BYTES', 4096, 128, 65_516),
      maxAdvertisementBytes: integer(env, 'GIT_MAX_ADVERTISEMENT_BYTES', 32 * MIB, 1024),
    },
    gitAllowedNetworks: allowedNetworks(env),
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
    watchPollMs: integer(env, 'WATCH_POLL_MS', 250, 20, 10_000),
    watchMaxSeconds: integer(env, 'WATCH_MAX_SECONDS', 1800, 1, 86_400),
    watchMaxOpen: integer(env, 'WATCH_MAX_OPEN', 10_000, 1, 1_000_000),
    watchBookmarkSeconds: integer(env, 'WATCH_BOOKMARK_SECONDS', 60, 1, 3600),
    changeLogRetentionSeconds: integer(env, 'CHANGE_LOG_RETENTION_SECONDS', 900, 0, 30 * 86_400),
    eventRelayGraceSeconds: integer(env, 'EVENT_RELAY_GRACE_SECONDS', 86_400, 0, 30 * 86_400),
    eventBusName: optional(env, 'EVENT_BUS_NAME'),
    jwtIssuer: optional(env, 'JWT_ISSUER'),
    jwtAudience: (optional(env, 'JWT_AUDIENCE') ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean),
    jwtJwksUri: optional(env, 'JWT_JWKS_URI'),
    krmFunctionsFile: optional(env, 'KRM_FUNCTIONS_FILE'),
    krmFunctionLambdas: stringRecord(env, 'KRM_FUNCTION_LAMBDAS'),
    krmContainerRuntime: oneOf(env, 'KRM_CONTAINER_RUNTIME', ['auto', 'docker', 'podman', 'off'], 'auto'),
    krmFunctionTimeoutMs: integer(env, 'KRM_FUNCTION_TIMEOUT_MS', 60_000, 100, 900_000),
    krmFunctionMaxOutputBytes: integer(env, 'KRM_FUNCTION_MAX_OUTPUT_BYTES', 16 * 1024 * 1024, 1024),
  };
}

let cached: Config | undefined;

/** The process's configuration, parsed on first use. */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
