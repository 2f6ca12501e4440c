import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IdentitySettings } from '../lib/auth/identity-settings.js';
import type { DatabaseSettings } from './constructs/database.js';
import type { NetworkProps } from './constructs/network.js';

/**
 * Deployment settings. `infra/app.ts` reads them from CDK context (`cdk.json` or `-c key=value`) and hands them to
 * the stacks as props; nothing else reads context. Values given with `-c` arrive as strings, values in `cdk.json`
 * as JSON, so every parser accepts both.
 */
export interface InfraConfig extends Omit<DatabaseSettings, 'kind'> {
  /** Prefix of the two stack names: `<prefix>-Stateful`, `<prefix>-Stateless`. */
  stackPrefix: string;
  /** How API callers authenticate: a JWT from `jwtIssuer` for `jwtAudience`, or SigV4 (IAM). */
  authMode: 'jwt' | 'iam';
  jwtIssuer: string | undefined;
  jwtAudience: string[];
  /** The issuer's signing keys for the watch function: its discovery document's `jwks_uri`, when not the default. */
  jwtJwksUri: string | undefined;
  /** The database's `kind`; its other settings (capacity, instance, proxy, protection) are `DatabaseSettings`'. */
  database: DatabaseSettings['kind'];
  /** Egress for git: a managed NAT gateway, or a NAT instance (cheaper idle, not managed). */
  nat: NetworkProps['nat'];
  /** Minutes between scheduled sync fan-outs. */
  syncRateMinutes: number;
  /** Reserved concurrency of the per-repository sync function: at most this many syncs hold DB connections. */
  syncConcurrency: number;
  /** Days CloudWatch keeps function, access and flow logs. */
  logRetentionDays: RetentionDays;
  /** Secrets Manager name prefix under which Git credentials for `spec.git.secretRef` live. */
  gitSecretPrefix: string;
  /** Steady-state requests per second and burst of the API stage. */
  throttleRateLimit: number;
  throttleBurstLimit: number;
  /** KRM function images that get their own Lambda function (docs/render.md); built-in functions need none. */
  krmFunctionImages: string[];
  /** How token claims become the caller, and the bootstrap admin group (docs/access-control.md). */
  identity: IdentitySettings;
}

export class InfraConfigError extends Error {}

type Read = (key: string) => unknown;

function text(read: Read, key: string, fallback: string): string;
function text(read: Read, key: string): string | undefined;
function text(read: Read, key: string, fallback?: string): string | undefined {
  const value = read(key);
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value !== 'string')
    throw new InfraConfigError(`context ${key} must be a string, got ${JSON.stringify(value)}`);
  return value;
}

function oneOf<T extends string>(read: Read, key: string, allowed: readonly T[], fallback: T): T {
  const value = text(read, key, fallback);
  if (!allowed.includes(value as T)) {
    throw new InfraConfigError(`context ${key} must be one of ${allowed.join(', ')}, got "${value}"`);
  }
  return value as T;
}

function number(read: Read, key: string, fallback: number, min: number, max: number, integer = true): number {
  const raw = read(key);
  if (raw === undefined || raw === null || raw === '') return fallback;
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN;
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
    throw new InfraConfigError(
      `context ${key} must be a${integer ? 'n integer' : ' number'} in [${min}, ${max}], got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

function flag(read: Read, key: string, fallback: boolean): boolean {
  const raw = read(key);
  if (raw === undefined || raw === null || raw === '') return fallback;
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  throw new InfraConfigError(`context ${key} must be true or false, got ${JSON.stringify(raw)}`);
}

function list(read: Read, key: string): string[] {
  const raw = read(key);
  if (raw === undefined || raw === null || raw === '') return [];
  if (Array.isArray(raw) && raw.every((v) => typeof v === 'string')) return raw;
  if (typeof raw === 'string')
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  throw new InfraConfigError(`context ${key} must be a string or a list of strings, got ${JSON.stringify(raw)}`);
}

const RETENTION_DAYS = new Set<number>(Object.values(RetentionDays).filter((v): v is number => typeof v === 'number'));

function retention(read: Read, key: string, fallback: RetentionDays): RetentionDays {
  const value = number(read, key, fallback, 1, 3653);
  if (!RETENTION_DAYS.has(value) || value === RetentionDays.INFINITE) {
    throw new InfraConfigError(
      `context ${key} must be a CloudWatch retention (1, 3, 5, 7, 14, 30, 60, 90, …), got ${value}`,
    );
  }
  return value;
}

/**
 * Parses the deployment settings from a context reader; throws InfraConfigError naming the bad key. Without a
 * `jwtIssuer` the API falls back to IAM auth, so an unconfigured deploy is closed rather than open.
 */
export function parseInfraConfig(read: Read): InfraConfig {
  const jwtIssuer = text(read, 'jwtIssuer');
  const jwtAudience = list(read, 'jwtAudience');
  const authMode = oneOf(read, 'authMode', ['jwt', 'iam'], jwtIssuer ? 'jwt' : 'iam');
  if (authMode === 'jwt') {
    if (!jwtIssuer || !/^https:\/\//.test(jwtIssuer)) {
      throw new InfraConfigError('authMode jwt needs context jwtIssuer, an https:// URL (or set authMode=iam)');
    }
    if (jwtAudience.length === 0)
      throw new InfraConfigError('authMode jwt needs context jwtAudience (comma-separated)');
  }
  const jwtJwksUri = text(read, 'jwtJwksUri');
  if (jwtJwksUri !== undefined && !/^https:\/\//.test(jwtJwksUri))
    throw new InfraConfigError(`context jwtJwksUri must be an https:// URL, got "${jwtJwksUri}"`);
  const minCapacity = number(read, 'minCapacity', 0.5, 0, 256, false);
  const maxCapacity = number(read, 'maxCapacity', 4, 1, 256, false);
  if (maxCapacity < minCapacity)
    throw new InfraConfigError(`context maxCapacity (${maxCapacity}) is below minCapacity (${minCapacity})`);
  if (!Number.isInteger(minCapacity * 2) || !Number.isInteger(maxCapacity * 2)) {
    throw new InfraConfigError('context minCapacity and maxCapacity must be multiples of 0.5');
  }
  const gitSecretPrefix = text(read, 'gitSecretPrefix', 'porch-serverless/git/');
  if (!/^[A-Za-z0-9/_+=.@-]+\/$/.test(gitSecretPrefix)) {
    throw new InfraConfigError(
      `context gitSecretPrefix must be a secret-name prefix ending in "/", got "${gitSecretPrefix}"`,
    );
  }
  const claim = (key: string, fallback: string) => {
    const value = text(read, key, fallback);
    if (!/^[A-Za-z0-9_:./-]{1,100}$/.test(value))
      throw new InfraConfigError(`context ${key} must be a claim name, got "${value}"`);
    return value;
  };
  const identity: IdentitySettings = {
    usernameClaim: claim('oidcUsernameClaim', 'sub'),
    usernamePrefix: text(read, 'oidcUsernamePrefix'),
    groupsClaim: claim('oidcGroupsClaim', 'groups'),
    groupsPrefix: text(read, 'oidcGroupsPrefix', ''),
    bootstrapAdminGroup: text(read, 'bootstrapAdminGroup', 'system:masters'),
    bootstrapAdminUsers: list(read, 'bootstrapAdminUsers'),
  };
  const stackPrefix = text(read, 'stackPrefix', 'PorchServerless');
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(stackPrefix))
    throw new InfraConfigError(`context stackPrefix must be a stack name, got "${stackPrefix}"`);
  return {
    stackPrefix,
    authMode,
    jwtIssuer,
    jwtAudience,
    jwtJwksUri,
    database: oneOf(read, 'database', ['aurora', 'instance'], 'aurora'),
    minCapacity,
    maxCapacity,
    instanceType: text(read, 'instanceType', 't4g.micro'),
    multiAz: flag(read, 'multiAz', false),
    rdsProxy: flag(read, 'rdsProxy', false),
    deletionProtection: flag(read, 'deletionProtection', true),
    nat: oneOf(read, 'nat', ['gateway', 'instance'], 'gateway'),
    syncRateMinutes: number(read, 'syncRateMinutes', 5, 1, 1440),
    syncConcurrency: number(read, 'syncConcurrency', 5, 1, 1000),
    logRetentionDays: retention(read, 'logRetentionDays', RetentionDays.ONE_MONTH),
    gitSecretPrefix,
    throttleRateLimit: number(read, 'throttleRateLimit', 50, 1, 10_000),
    throttleBurstLimit: number(read, 'throttleBurstLimit', 100, 1, 5_000),
    identity,
    krmFunctionImages: list(read, 'krmFunctionImages'),
  };
}

/** Every context key parseInfraConfig reads, for `infra/app.ts` to pass through. */
export const CONFIG_KEYS = [
  'stackPrefix',
  'authMode',
  'jwtIssuer',
  'jwtAudience',
  'jwtJwksUri',
  'database',
  'minCapacity',
  'maxCapacity',
  'instanceType',
  'multiAz',
  'rdsProxy',
  'deletionProtection',
  'nat',
  'syncRateMinutes',
  'syncConcurrency',
  'logRetentionDays',
  'gitSecretPrefix',
  'throttleRateLimit',
  'throttleBurstLimit',
  'oidcUsernameClaim',
  'oidcUsernamePrefix',
  'oidcGroupsClaim',
  'oidcGroupsPrefix',
  'bootstrapAdminGroup',
  'bootstrapAdminUsers',
  'krmFunctionImages',
] as const;
