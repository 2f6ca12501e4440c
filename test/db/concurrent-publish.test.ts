import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../lib/errors.js';
import { updatePackageRevision } from '../../lib/storage/package-revisions.js';
import { publishPackageRevision } from '../../lib/storage/publish.js';
import { addDraft, addRepository, tagLock } from '../storage/fixtures.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

describe('concurrent publishes of one package', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ poolMax: 8 });
    await addRepository(t.db, 'ns', 'repo');
  });
  afterAll(() => t.drop());

  const proposed = async (ws: string) => {
    const d = await addDraft(t.db, { namespace: 'ns', repository: 'repo', packagePath: 'pkg', workspace: ws });
    return updatePackageRevision(t.db, 'ns', d.name, d.resourceVersion, { lifecycle: 'Proposed' }, 'x');
  };

  it('two open transactions taking the same number: the second fails when the first commits', async () => {
    const a = await proposed('a');
    const b = await proposed('b');
    const c1 = new pg.Client({ connectionString: t.url });
    const c2 = new pg.Client({ connectionString: t.url });
    await Promise.all([c1.connect(), c2.connect()]);
    try {
      const publish = `update package_revisions set revision = 1, lifecycle = 'Published' where namespace = 'ns' and name = $1`;
      await c1.query('begin');
      await c2.query('begin');
      await c1.query(publish, [a.name]);
      const second = c2.query(publish, [b.name]).then(
        () => 'ok',
        (e) => e as { code: string; constraint: string },
      );
      // The second statement waits on the first transaction (package row lock / unique index) until it ends.
      await new Promise((r) => setTimeout(r, 200));
      await c1.query('commit');
      expect(await second).toMatchObject({ code: '23505', constraint: 'package_revisions_revision_unique' });
      await c2.query('rollback');
    } finally {
      await Promise.all([c1.end(), c2.end()]);
    }
    const { rows } = await t.db.query(
      `select name, revision, lifecycle, latest from package_revisions where package = 'repo.pkg' order by name`,
    );
    expect(rows).toEqual([
      { name: 'repo.pkg.a', revision: 1, lifecycle: 'Published', latest: true },
      { name: 'repo.pkg.b', revision: 0, lifecycle: 'Proposed', latest: false },
    ]);
  });

  it('racing publishPackageRevision calls with one number: exactly one wins, the rest get 409', async () => {
    const drafts = await Promise.all(['r1', 'r2', 'r3', 'r4'].map(proposed));
    const results = await Promise.allSettled(
      drafts.map((d) =>
        publishPackageRevision(t.db, {
          namespace: 'ns',
          name: d.name,
          expectedResourceVersion: d.resourceVersion,
          revision: 2,
          selfLock: tagLock('repo', 'pkg', 2),
          publishedBy: 'x',
          branch: 'main',
          updatedBy: 'x',
        }),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(3);
    for (const l of lost) {
      expect(l.reason).toBeInstanceOf(ConflictError);
      expect(l.reason.message).toContain('revision 2 already exists');
    }
    const { rows } = await t.db.query(
      `select count(*)::int as n from package_revisions where package = 'repo.pkg' and latest`,
    );
    expect(rows[0].n).toBe(1);
    const { rows: published } = await t.db.query(
      `select name from package_revisions where package = 'repo.pkg' and revision = 2`,
    );
    expect(published).toHaveLength(1);
  });
});
