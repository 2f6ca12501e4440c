/** Lets a multi-statement storage write run in its own transaction or join one the caller already opened. */
import type { PoolClient } from 'pg';
import type { Database } from '../db/pool.js';
import type { Queryable } from '../db/queryable.js';

/** A Database (the write opens its own transaction) or a client already inside a transaction. */
export type Transactional = Database | PoolClient;

/** Runs `fn` in a transaction: a new one on a Database, the caller's on a client. */
export function inTransaction<T>(q: Transactional, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  if ('transaction' in q && typeof q.transaction === 'function') return q.transaction(fn);
  return fn(q as Queryable);
}
