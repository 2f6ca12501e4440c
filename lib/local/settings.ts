import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../config.js';

/** Settings only the local server has (the shared ones are in lib/config.ts). */
export interface LocalSettings {
  port: number;
  /** Embedded PostgreSQL data directory; under os.tmpdir() because the `postgres` OS user must reach it. */
  dataDir: string;
  /** Identity requests run as (recorded as updated_by / publishedBy); default: the OS user. */
  user: string | undefined;
  /** How often the in-process sync fan-out looks for due repositories. */
  syncIntervalMs: number;
  poolMax: number;
  /** HTTPS with a self-signed certificate: 'auto' = when API_TOKEN is set (kubectl sends tokens only over TLS). */
  tls: 'auto' | 'on' | 'off';
}

function integer(env: NodeJS.ProcessEnv, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${key} must be an integer in ${min}..${max}, got "${raw}"`);
  return n;
}

function tlsMode(raw: string | undefined): LocalSettings['tls'] {
  const value = raw || 'auto';
  if (value !== 'auto' && value !== 'on' && value !== 'off') throw new ConfigError(`LOCAL_TLS must be auto, on or off, got "${raw}"`);
  return value;
}

/** Parses the local server's settings; a bad value fails at start naming the variable. */
export function localSettings(env: NodeJS.ProcessEnv): LocalSettings {
  return {
    port: integer(env, 'PORT', 8080, 0, 65535),
    dataDir: env.PORCH_DATA_DIR || join(tmpdir(), 'porch-serverless-data'),
    user: env.LOCAL_USER || undefined,
    syncIntervalMs: integer(env, 'SYNC_INTERVAL_SECONDS', 30, 1, 86_400) * 1000,
    poolMax: integer(env, 'DATABASE_POOL_MAX', 10, 1, 100),
    tls: tlsMode(env.LOCAL_TLS),
  };
}
