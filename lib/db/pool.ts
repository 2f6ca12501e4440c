import pg from 'pg';
import type { PoolClient, PoolConfig, QueryResultRow } from 'pg';
import { config, type Config } from '../config.js';
import type { Queryable } from './queryable.js';
import { readDatabaseSecret } from './secret.js';
import { SQLSTATE } from './sqlstate.js';
import { logger } from '../log.js';
import { databaseTls } from './tls.js';

/** SQLSTATEs and errors that mean the connection died before the statement could run or commit. */
const RETRYABLE_CODES = new Set<string>([
  SQLSTATE.adminShutdown,
  SQLSTATE.crashShutdown,
  SQLSTATE.cannotConnectNow,
  SQLSTATE.connectionException,
  SQLSTATE.connectionDoesNotExist,
  SQLSTATE.connectionFailure,
]);

/** True when an error means the connection was lost (server-side kill, failover), not that the SQL failed. */
export function isConnectionLost(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: string }).code;
  if (code && RETRYABLE_CODES.has(code)) return true;
  return /Connection terminated|Client has encountered a connection error|ECONNRESET|EPIPE/.test(err.message);
}

/**
 * A pool that survives a killed backend: a statement that fails because its connection was lost is retried once
 * on a fresh connection (the failed attempt cannot have committed anything).
 */
export class Database implements Queryable {
  constructor(readonly pool: pg.Pool) {}

  async query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]) {
    try {
      return await this.pool.query<R>(text, values);
    } catch (err) {
      if (!isConnectionLost(err)) throw err;
      return await this.pool.query<R>(text, values);
    }
  }

  /** Checks out one client, retrying once when the first one handed out is already dead. */
  async connect(): Promise<PoolClient> {
    const client = await this.pool.connect();
    try {
      await client.query('select 1');
      return client;
    } catch (err) {
      client.release(true);
      if (!isConnectionLost(err)) throw err;
      return await this.pool.connect();
    }
  }

  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  async transaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.connect();
    let broken = false;
    try {
      await client.query('begin');
      const result = await fn(client);
      await client.query('commit');
      return result;
    } catch (err) {
      broken = isConnectionLost(err);
      if (!broken) await client.query('rollback').catch(() => (broken = true));
      throw err;
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Builds pool settings from the configuration, reading the secret when one is configured. */
export async function poolConfig(cfg: Config): Promise<PoolConfig> {
  const ssl = databaseTls(cfg.databaseSsl, cfg.databaseSslCaFile);
  const base: PoolConfig = {
    max: cfg.databasePoolMax,
    idleTimeoutMillis: 60_000,
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
    allowExitOnIdle: true,
    ssl,
  };
  if (cfg.databaseSecretArn) {
    const s = await readDatabaseSecret(cfg.databaseSecretArn);
    return {
      ...base,
      host: cfg.databaseHost ?? s.host,
      port: s.port ?? 5432,
      user: s.username,
      password: s.password,
      database: s.dbname ?? 'postgres',
    };
  }
  if (cfg.databaseUrl) return { ...base, connectionString: cfg.databaseUrl };
  throw new Error('no database configured: set DATABASE_URL or DATABASE_SECRET_ARN');
}

/** Opens a Database: creates the pool, attaches the error listener and pings the server. */
export async function openDatabase(settings: PoolConfig): Promise<Database> {
  const pool = new pg.Pool(settings);
  // An idle client killed by the server emits 'error' on the pool; without a listener the process would crash.
  pool.on('error', (err) => logger.warn('idle database client lost', { error: err.message }));
  const db = new Database(pool);
  try {
    await db.query('select 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  return db;
}

let shared: Promise<Database> | undefined;

/** The container's database, opened on first use and shared by every invocation the container serves. */
export function getDatabase(): Promise<Database> {
  shared ??= poolConfig(config())
    .then(openDatabase)
    .catch((err) => {
      shared = undefined;
      throw err;
    });
  return shared;
}

/** Closes the shared database, if it was opened. */
export async function closeDatabase(): Promise<void> {
  const current = shared;
  shared = undefined;
  if (current) await (await current).close();
}
