/**
 * Dry runs (`dryRun=All`, docs/dry-run-and-apply.md): every statement runs as in the real call and nothing is ever
 * committed. No transaction is open while the operation talks to git: a transaction that only read is rolled back
 * and its connection returned when it ends, as the real call commits it; the first one that wrote stays open, and
 * everything after it runs inside it (later transactions as savepoints) until the dry run ends and rolls it back.
 * Operations write last, after their git work (docs/publish.md), so that scope never waits on a remote.
 */
import type { PoolClient, QueryResultRow } from 'pg';
import { Database, isConnectionLost } from '../db/pool.js';
import type { Queryable } from '../db/queryable.js';

const dryRuns = new WeakSet<object>();

/** A Database whose transactions never commit; see the module comment. */
class RolledBackDatabase extends Database {
  /** The connection of the transaction in progress, or of the kept scope. */
  private client: PoolClient | undefined;
  /** True once a transaction wrote: `client` then stays open until `finish`. */
  private kept = false;
  private depth = 0;
  private turn: Promise<unknown> = Promise.resolve();

  constructor(db: Database) {
    super(db.pool);
    dryRuns.add(this);
  }

  /** A statement outside a transaction runs in one of its own, so even a write in disguise commits nothing. */
  override query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]) {
    if (this.client) return this.client.query<R>(text, values);
    return this.transaction((client) => client.query<R>(text, values));
  }

  /** A connection of its own would commit: a dry run never hands one out. */
  override async connect(): Promise<PoolClient> {
    throw new Error('a dry run runs its statements itself and cannot hand out a connection');
  }

  override async transaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    // Inside a transaction in progress, or the kept scope, a transaction is a savepoint of it.
    if (this.client) return this.savepoint(this.client, fn);
    // Transactions started side by side take turns, so only one connection is ever the dry run's at a time.
    const turn = this.turn.then(() => (this.client ? this.savepoint(this.client, fn) : this.open(fn)));
    this.turn = turn.catch(() => undefined);
    return turn;
  }

  /** Rolls back what the dry run wrote and returns its connection. */
  async finish(): Promise<void> {
    if (this.client) await this.release(this.client, false);
  }

  /** The pool belongs to the real Database; a dry run only borrows clients of it. */
  override async close(): Promise<void> {}

  /** Runs `fn` in a new transaction that never commits, kept open as the scope if it wrote. */
  private async open<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await super.connect();
    this.client = client;
    dryRuns.add(client);
    let broken = false;
    try {
      await client.query('begin');
      const result = await fn(client);
      // A transaction id is assigned at the first write only (advisory locks and reads take none).
      const { rows } = await client.query<{ wrote: boolean }>('select txid_current_if_assigned() is not null as wrote');
      this.kept = rows[0]!.wrote;
      return result;
    } catch (err) {
      broken = isConnectionLost(err);
      throw err;
    } finally {
      if (!this.kept) await this.release(client, broken);
    }
  }

  private async savepoint<T>(client: PoolClient, fn: (client: PoolClient) => Promise<T>): Promise<T> {
    const savepoint = `dry_run_${++this.depth}`;
    await client.query(`savepoint ${savepoint}`);
    try {
      const result = await fn(client);
      await client.query(`release savepoint ${savepoint}`);
      return result;
    } catch (err) {
      if (!isConnectionLost(err)) await client.query(`rollback to savepoint ${savepoint}`).catch(() => undefined);
      throw err;
    } finally {
      this.depth -= 1;
    }
  }

  private async release(client: PoolClient, broken: boolean): Promise<void> {
    this.client = undefined;
    this.kept = false;
    // The pool hands this client out again: it is marked only while the dry run holds it.
    dryRuns.delete(client);
    if (!broken) await client.query('rollback').catch(() => (broken = true));
    client.release(broken);
  }
}

/** Runs `fn` against a Database whose every write is rolled back, whatever `fn`'s outcome. */
export async function runRolledBack<T>(db: Database, fn: (db: Database) => Promise<T>): Promise<T> {
  const dry = new RolledBackDatabase(db);
  try {
    return await fn(dry);
  } finally {
    await dry.finish();
  }
}

/**
 * True for the Database (or a connection it holds) of a dry run: code that would act outside the database (a git
 * push, a sync trigger) asks this and does not act.
 */
export function isDryRun(q: Queryable): boolean {
  return dryRuns.has(q);
}
