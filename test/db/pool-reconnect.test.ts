import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../lib/db/pool.js';
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
});
