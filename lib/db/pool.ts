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

/** Every pooled connection is busy past the pool's wait: a 503 (SQLSTATE too_many_connections), never a 500. */
export class PoolExhaustedError extends Error {
  readonly code = '53300';
  constructor() {
    super('all database connections are busy, please retry');
  }
}

/** The pool's own wait for a free client ran out (pg-pool says so only in its message). */
const isPoolTimeout = (err: unknown) =>
  err instanceof Error && err.message === 'timeout exceeded when trying to connect';

/**
 * A statement that only reads: it may be sent again after its connection was lost. A write may have committed
 * before the reply was lost, and sending it again would apply it twice (or turn its success into a 409).
 */
const isReadOnly = (text: string) => /^\s*select\b/i.test(text) && !/\b(insert|update|delete)\b/i.test(text);

/** Each statement pool's pool of dedicated sessions (Database.sessions), made on first use, ended with it. */
const sessionPools = new WeakMap<pg.Pool, pg.Pool>();

/**
 * Dedicated sessions a process holds at once: one per sync running in it (the local fan-out runs 10, a Lambda
 * function one), with room to spare; a sync past this waits for one.
 */
const MAX_SESSIONS = 16;

/** Keeps a killed connection from ending the process (see openDatabase). */
function guard(pool: pg.Pool): pg.Pool {
  // An idle client killed by the server emits 'error' on the pool; without a listener the process would crash.
  // The client's own listener below has logged it already.
  pool.on('error', () => undefined);
  // A checked-out client has no pool listener (pg-pool removes it at checkout): a kill while a transaction holds
  // it would end the process. The failed statement rejects on its own; this only keeps the event from crashing.
  pool.on('connect', (client) =>
    client.on('error', (err) => logger.warn('database connection lost', { error: err.message })),
  );
  return pool;
}

/**
 * A pool that survives a killed backend: a read that fails because its connection was lost is retried once on a
 * fresh connection; a write is not (see isReadOnly) and surfaces as a 503 for the caller to retry.
 */
export class Database implements Queryable {
  constructor(readonly pool: pg.Pool) {}

  async query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]) {
    try {
      return await this.pool.query<R>(text, values);
    } catch (err) {
      if (isPoolTimeout(err)) throw new PoolExhaustedError();
      if (!isConnectionLost(err) || !isReadOnly(text)) throw err;
      return await this.pool.query<R>(text, values);
    }
  }

  /** Checks out one client, retrying once when the first one handed out is already dead. */
  async connect(): Promise<PoolClient> {
    const checkout = () =>
      this.pool.connect().catch((err) => Promise.reject(isPoolTimeout(err) ? new PoolExhaustedError() : err));
    const client = await checkout();
    try {
      await client.query('select 1');
      return client;
    } catch (err) {
      client.release(true);
      if (!isConnectionLost(err)) throw err;
      return await checkout();
    }
  }

  /**
   * Resolves when the database answers (the caller bounds the wait; `timeoutMs` bounds a new connection). When every pooled connection is busy the ping goes over a
   * connection of its own, so a busy pool is not reported as a database that is down.
   */
  async ping(timeoutMs: number): Promise<void> {
    const full = this.pool.idleCount === 0 && this.pool.totalCount >= (this.pool.options.max ?? 10);
    if (!full) {
      await this.query('select 1');
      return;
    }
    const client = new pg.Client({ ...(this.pool.options as pg.ClientConfig), connectionTimeoutMillis: timeoutMs });
    client.on('error', () => undefined); // the ping's own failure is its answer
    try {
      await client.connect();
      await client.query('select 1');
    } finally {
      await client.end().catch(() => undefined);
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

  /**
   * Connections for session-scoped state (a sync's advisory session lock), from a pool of their own: that state
   * never reaches a connection that serves statements and transactions, and a session is opened once per process
   * rather than once per use. Whoever checks one out hands it back clean, or destroyed.
   */
  sessions(): Database {
    let pool = sessionPools.get(this.pool);
    if (!pool) {
      pool = guard(new pg.Pool({ ...this.pool.options, max: MAX_SESSIONS }));
      sessionPools.set(this.pool, pool);
    }
    return new Database(pool);
  }

  async close(): Promise<void> {
    const sessions = sessionPools.get(this.pool);
    sessionPools.delete(this.pool);
    await Promise.all([this.pool.end(), sessions?.end()]);
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

/** Opens a Database: creates the pool, attaches the error listeners and pings the server. */
export async function openDatabase(settings: PoolConfig): Promise<Database> {
  const pool = guard(new pg.Pool(settings));
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
