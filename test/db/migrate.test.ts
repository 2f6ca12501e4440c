import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../../lib/db/migrate.js';
import { openDatabase } from '../../lib/db/pool.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

describe('migration runner', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ migrate: false });
  });
  afterAll(() => t.drop());

  it('applies every file once, then is a no-op', async () => {
    const files = await loadMigrations();
    expect(files.length).toBeGreaterThan(0);
    expect(await migrate(t.db)).toEqual(files.map((f) => f.name));
    expect(await migrate(t.db)).toEqual([]);
    const { rows } = await t.db.query('select name from schema_migrations order by name');
    expect(rows.map((r) => r.name)).toEqual(files.map((f) => f.name));
  });

  it('lets only one of several concurrent runners apply a file', async () => {
    const fresh = await createTestDatabase({ migrate: false });
    try {
      const runners = await Promise.all(
        Array.from({ length: 4 }, () => openDatabase({ connectionString: fresh.url, max: 1 })),
      );
      const results = await Promise.all(runners.map((db) => migrate(db)));
      await Promise.all(runners.map((db) => db.close()));
      const appliers = results.filter((r) => r.length > 0);
      expect(appliers).toHaveLength(1);
      const { rows } = await fresh.db.query('select count(*)::int as n from schema_migrations');
      expect(rows[0].n).toBe(appliers[0].length);
    } finally {
      await fresh.drop();
    }
  });

  it('rolls back a failing file completely and records nothing', async () => {
    const fresh = await createTestDatabase({ migrate: false });
    try {
      const broken = [
        { name: '0001_good.sql', sql: 'create table good (id int)' },
        { name: '0002_bad.sql', sql: 'create table bad (id int); select no_such_function()' },
      ];
      await expect(migrate(fresh.db, broken)).rejects.toThrow(/no_such_function/);
      const { rows } = await fresh.db.query(
        `select count(*)::int as n from information_schema.tables where table_name in ('good', 'bad', 'schema_migrations')`,
      );
      expect(rows[0].n).toBe(0);
    } finally {
      await fresh.drop();
    }
  });

  it('refuses misnamed files and numbers used twice', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'porch-migrations-'));
    await writeFile(join(dir, '0001_a.sql'), 'select 1');
    await writeFile(join(dir, '0001_b.sql'), 'select 1');
    await expect(loadMigrations(dir)).rejects.toThrow(/number 0001 is used twice/);
    const other = await mkdtemp(join(tmpdir(), 'porch-migrations-'));
    await writeFile(join(other, '2-add-things.sql'), 'select 1');
    await expect(loadMigrations(other)).rejects.toThrow(/2-add-things.sql must be named NNNN_/);
  });
});
