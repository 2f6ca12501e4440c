/**
 * The Database a dry run gets (lib/storage/dry-run.ts): a transaction that only read gives its connection back when
 * it ends, the first that wrote stays open for the rest of the dry run, and nothing is ever committed.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { getRepository } from '../../lib/storage/repositories.js';
import { isDryRun, runRolledBack } from '../../lib/storage/dry-run.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { addRepository } from '../storage/fixtures.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.drop());

/** Connections of the pool that are checked out. */
const busy = () => t.db.pool.totalCount - t.db.pool.idleCount;

it('gives a read-only transaction its connection back when it ends', async () => {
  await runRolledBack(t.db, async (dry) => {
    const inside = await dry.transaction(async (client) => {
      await client.query('select 1');
      return { dry: isDryRun(client), busy: busy() };
    });
    expect(inside).toEqual({ dry: true, busy: 1 });
    expect(busy()).toBe(0);
    await dry.query('select 1');
    expect(busy()).toBe(0);
  });
});

it('keeps the first transaction that wrote open until the end, then rolls it back', async () => {
  await runRolledBack(t.db, async (dry) => {
    await addRepository(dry, 'ns', 'kept');
    expect(busy()).toBe(1);
    expect((await getRepository(dry, 'ns', 'kept'))?.name).toBe('kept');
    expect(await getRepository(t.db, 'ns', 'kept')).toBeUndefined();
  });
  expect(busy()).toBe(0);
  expect(await getRepository(t.db, 'ns', 'kept')).toBeUndefined();
});

it('runs transactions started side by side on one connection and commits none', async () => {
  const names = ['a', 'b', 'c'];
  await runRolledBack(t.db, async (dry) => {
    await Promise.all(names.map((n) => dry.transaction(() => addRepository(dry, 'ns', n))));
    expect(busy()).toBe(1);
    for (const n of names) expect((await getRepository(dry, 'ns', n))?.name).toBe(n);
  });
  expect(busy()).toBe(0);
  for (const n of names) expect(await getRepository(t.db, 'ns', n)).toBeUndefined();
});
