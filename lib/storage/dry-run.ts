/**
 * Dry runs (`dryRun=All`, docs/dry-run-and-apply.md): the whole request runs against one transaction that is always
 * rolled back, so every check, trigger and computed value happens as in the real call and nothing is committed.
 */
import type { PoolClient, QueryResultRow } from 'pg';
import { Database, isConnectionLost } from '../db/pool.js';
import type { Queryable } from '../db/queryable.js';

const dryRuns = new WeakSet<object>();

/**
 * A Database whose statements all run on one connection inside the caller's open transaction. Its `transaction`
 * is a savepoint, so a nested write still fails or succeeds as a unit; nothing here ever commits.
 */
class RolledBackDatabase extends Database {
  private depth = 0;

  constructor(
    db: Database,
    private readonly client: PoolClient,
  ) {
    super(db.pool);
    dryRuns.add(this);
  }

  override query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]) {
    return this.client.query<R>(text, values);
  }

  /** A second connection would commit on its own: a dry run must never get one. */
  override async connect(): Promise<PoolClient> {
    throw new Error('a dry run runs on one connection and cannot hand out another');
  }

  override async transaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    const savepoint = `dry_run_${++this.depth}`;
    await this.client.query(`savepoint ${savepoint}`);
    try {
      const result = await fn(this.client);
      await this.client.query(`release savepoint ${savepoint}`);
      return result;
    } catch (err) {
      if (!isConnectionLost(err)) await this.client.query(`rollback to savepoint ${savepoint}`).catch(() => undefined);
      throw err;
    } finally {
      this.depth -= 1;
    }
  }

  /** The pool belongs to the real Database; a dry run only borrowed one client of it. */
  override async close(): Promise<void> {}
}

/** Runs `fn` against a Database whose every write is rolled back when `fn` ends, whatever its outcome. */
export async function runRolledBack<T>(db: Database, fn: (db: Database) => Promise<T>): Promise<T> {
  const client = await db.connect();
  let broken = false;
  // The pool hands this client out again after the dry run: it is marked only while the dry run holds it.
  dryRuns.add(client);
  try {
    await client.query('begin');
    return await fn(new RolledBackDatabase(db, client));
  } catch (err) {
    broken = isConnectionLost(err);
    throw err;
  } finally {
    dryRuns.delete(client);
    if (!broken) await client.query('rollback').catch(() => (broken = true));
    client.release(broken);
  }
}

/**
 * True for the Database (or its connection) of a dry run: code that would act outside the database (a git push,
 * a sync trigger) asks this and does not act.
 */
export function isDryRun(q: Queryable): boolean {
  return dryRuns.has(q);
}
