/**
 * On a database whose default collation ignores punctuation (as en_US does), lists still come in byte order and
 * keyset pages still line up: the key columns are pinned to "C" (migrations/0004).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrate } from '../../lib/db/migrate.js';
import { openDatabase, type Database } from '../../lib/db/pool.js';
import { listPackageRevisions } from '../../lib/storage/package-revision-list.js';
import { listRepositories } from '../../lib/storage/repositories.js';
import { addDraft, addRepository } from '../storage/fixtures.js';

describe('byte order under a linguistic collation', () => {
  const name = `porch_icu_${randomBytes(4).toString('hex')}`;
  const admin = () => new pg.Client({ connectionString: inject('databaseUrl') });
  let db: Database;

  beforeAll(async () => {
    const c = admin();
    await c.connect();
    // ICU with alternate=shifted ignores '-' and '.' at first level, like glibc's en_US.UTF-8.
    await c.query(`create database ${name} template template0 encoding 'UTF8' locale_provider icu
                   icu_locale 'und-u-ka-shifted' lc_collate 'C.UTF-8' lc_ctype 'C.UTF-8'`);
    await c.end();
    const url = new URL(inject('databaseUrl'));
    url.pathname = `/${name}`;
    db = await openDatabase({ connectionString: url.toString(), max: 2 });
    await migrate(db);
  });
  afterAll(async () => {
    await db?.close();
    const c = admin();
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  });

  it('the database itself would sort otherwise', async () => {
    const { rows } = await db.query(`select x from unnest(array['ab', 'a-c', 'aa', 'a-b']) x order by x`);
    expect(rows.map((r) => r.x)).toEqual(['aa', 'a-b', 'ab', 'a-c']);
  });

  it('lists repositories and revisions in byte order, page by page', async () => {
    for (const r of ['ab', 'a-c', 'aa', 'a-b']) await addRepository(db, 'ns', r);
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await listRepositories(db, { namespace: 'ns', limit: 1, continue: token });
      seen.push(...page.items.map((r) => r.name));
      token = page.continue;
    } while (token);
    expect(seen).toEqual(['a-b', 'a-c', 'aa', 'ab']);
    for (const ws of ['w-b', 'wa', 'w-a', 'wb'])
      await addDraft(db, { namespace: 'ns', repository: 'aa', packagePath: 'p', workspace: ws });
    const names = (await listPackageRevisions(db, { namespace: 'ns' })).items.map((r) => r.name);
    expect(names).toEqual(['aa.p.w-a', 'aa.p.w-b', 'aa.p.wa', 'aa.p.wb']);
  });
});
