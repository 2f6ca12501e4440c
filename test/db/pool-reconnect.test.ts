import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, PoolExhaustedError, type Database } from '../../lib/db/pool.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

describe('pool after a killed backend', () => {
  let t: TestDatabase;
  let db: Database;
  beforeAll(async () => {
    t = await createTestDatabase();
    db = await openDatabase({ connectionString: t.url, max: 1 });
  });
  afterAll(async () => {
    await db.close();
    await t.drop();
  });

  const backendPid = async (): Promise<number> =>
    (await db.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
  const kill = async (pid: number) => {
    const { rows } = await t.db.query<{ ok: boolean }>('select pg_terminate_backend($1) as ok', [pid]);
    expect(rows[0]!.ok).toBe(true);
    // Wait until the server has really ended it.
    for (let i = 0; i < 50; i++) {
      const { rowCount } = await t.db.query('select 1 from pg_stat_activity where pid = $1', [pid]);
      if (!rowCount) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('answers the next query on a fresh connection', async () => {
    const before = await backendPid();
    await kill(before);
    const after = await backendPid();
    expect(after).not.toBe(before);
    expect((await db.query('select 41 + 1 as n')).rows[0].n).toBe(42);
  });

  it('retries a statement sent before the pool noticed the kill', async () => {
    for (let i = 0; i < 5; i++) {
      const pid = await backendPid();
      // No waiting: the pool's idle client may not yet have seen its socket close when the next query goes out.
      await t.db.query('select pg_terminate_backend($1)', [pid]);
      expect((await db.query('select $1::int as n', [i])).rows[0].n).toBe(i);
    }
  });

  it('runs the next transaction on a fresh connection', async () => {
    await kill(await backendPid());
    const n = await db.transaction(async (c) => (await c.query('select 7 as n')).rows[0].n);
    expect(n).toBe(7);
  });

  it('survives a kill of a checked-out client: the transaction fails, the process lives, the next one works', async () => {
    await expect(
      db.transaction(async (c) => {
        const pid = (await c.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
        await kill(pid);
        await new Promise((r) => setTimeout(r, 50)); // the socket close arrives while the client is checked out
        await c.query('select 1');
      }),
    ).rejects.toThrow(/terminat|connection/i);
    expect((await db.query('select 5 as n')).rows[0].n).toBe(5);
  });

  it('never sends a write twice after its connection was lost (it may have committed)', async () => {
    await db.query('create sequence sent_once');
    await db.query('create table sent_once_t (n int)');
    // nextval counts every execution, committed or not; the statement kills its own connection.
    await expect(
      db.query(
        `with x as (select nextval('sent_once') as n) insert into sent_once_t select n from x
         returning pg_terminate_backend(pg_backend_pid())`,
      ),
    ).rejects.toThrow();
    expect((await db.query(`select last_value from sent_once`)).rows[0].last_value).toBe('1');
  });
});

describe('a pool with every connection busy', () => {
  let t: TestDatabase;
  let db: Database;
  beforeAll(async () => {
    t = await createTestDatabase({ migrate: false });
    db = await openDatabase({ connectionString: t.url, max: 1, connectionTimeoutMillis: 200 });
  });
  afterAll(async () => {
    await db.close();
    await t.drop();
  });

  it('answers PoolExhaustedError (503, SQLSTATE 53300) and still pings the database', async () => {
    const held = await db.connect();
    try {
      const err = await db.query('select 1').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PoolExhaustedError);
      expect((err as PoolExhaustedError).code).toBe('53300');
      await expect(db.connect()).rejects.toBeInstanceOf(PoolExhaustedError);
      await expect(db.ping(1000)).resolves.toBeUndefined();
    } finally {
      held.release();
    }
  });
});
