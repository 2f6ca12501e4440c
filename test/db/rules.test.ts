/**
 * The storage rules of docs/porch-semantics.md §2 and §5 hold in the database for every writer: these tests write with
 * plain SQL, bypassing the storage modules.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

describe('database rules', () => {
  let t: TestDatabase;
  const sql = (text: string, values: unknown[] = []) => t.db.query(text, values);
  const fails = async (text: string, values: unknown[], constraint: RegExp | string) => {
    const err = (await sql(text, values).then(
      () => undefined,
      (e) => e,
    )) as { code?: string; constraint?: string } | undefined;
    expect(err, `expected "${text}" to fail`).toBeDefined();
    expect(err!.constraint ?? err!.code).toMatch(constraint);
  };
  const insertRevision = (pkg: string, ws: string, revision: number, lifecycle: string) =>
    sql(
      `insert into package_revisions (namespace, name, package, repository, package_path, workspace, revision, lifecycle, uid)
       values ('ns', $1 || '.' || $2, $1, 'repo', substring($1 from 6), $2, $3, $4, gen_random_uuid())`,
      [pkg, ws, revision, lifecycle],
    );
  const latest = async (pkg: string) =>
    (
      await sql(`select name from package_revisions where namespace = 'ns' and package = $1 and latest order by name`, [
        pkg,
      ])
    ).rows.map((r) => r.name);
  const setRevision = (name: string, revision: number, lifecycle: string) =>
    sql(`update package_revisions set revision = $2, lifecycle = $3 where namespace = 'ns' and name = $1`, [
      name,
      revision,
      lifecycle,
    ]);

  beforeAll(async () => {
    t = await createTestDatabase();
  });
  beforeEach(async () => {
    await sql(`delete from repositories`);
    await sql(
      `insert into repositories (namespace, name, repo_url, branch, directory, spec) values ('ns', 'repo', 'http://x', 'main', '', '{}')`,
    );
    for (const p of ['a', 'b']) {
      await sql(
        `insert into packages (namespace, name, repository, path, uid) values ('ns', 'repo.' || $1, 'repo', $1, gen_random_uuid())`,
        [p],
      );
    }
  });
  afterAll(() => t.drop());

  it('refuses impossible (revision, lifecycle) pairs', async () => {
    await fails(
      `insert into package_revisions (namespace, name, package, repository, package_path, workspace, revision, lifecycle, uid) values ('ns', 'repo.a.w', 'repo.a', 'repo', 'a', 'w', 0, 'Published', gen_random_uuid())`,
      [],
      'package_revisions_revision_lifecycle',
    );
    await expect(insertRevision('repo.a', 'w', 3, 'Draft')).rejects.toMatchObject({
      constraint: 'package_revisions_revision_lifecycle',
    });
    await expect(insertRevision('repo.a', 'w', -1, 'Proposed')).rejects.toMatchObject({
      constraint: 'package_revisions_revision_lifecycle',
    });
    await expect(insertRevision('repo.a', 'w', -2, 'Published')).rejects.toMatchObject({
      constraint: 'package_revisions_revision_range',
    });
    await expect(insertRevision('repo.a', 'w', 0, 'Bogus')).rejects.toMatchObject({
      constraint: 'package_revisions_lifecycle_valid',
    });
    await expect(insertRevision('repo.a', 'Bad', 0, 'Draft')).rejects.toMatchObject({
      constraint: 'package_revisions_workspace_valid',
    });
    await insertRevision('repo.a', 'v1.2', -1, 'Published');
    await fails(
      `update package_revisions set latest = true where name = 'repo.a.v1.2'`,
      [],
      'package_revisions_latest_positive',
    );
  });

  it('allows only the transitions of docs/porch-semantics.md §2', async () => {
    await insertRevision('repo.a', 'd', 0, 'Draft');
    await expect(setRevision('repo.a.d', 1, 'Published')).rejects.toMatchObject({
      constraint: 'package_revisions_transition',
      column: 'lifecycle',
    });
    await setRevision('repo.a.d', 0, 'Proposed');
    await setRevision('repo.a.d', 0, 'Draft');
    await setRevision('repo.a.d', 0, 'Proposed');
    await expect(setRevision('repo.a.d', -1, 'Published')).rejects.toMatchObject({
      constraint: 'package_revisions_transition',
    });
    await setRevision('repo.a.d', 1, 'Published');
    await setRevision('repo.a.d', 1, 'DeletionProposed');
    await setRevision('repo.a.d', 1, 'Published');
    await expect(setRevision('repo.a.d', 0, 'Draft')).rejects.toMatchObject({
      constraint: 'package_revisions_transition',
      message: expect.stringContaining('to zero is illegal'),
    });
    await expect(setRevision('repo.a.d', 2, 'Published')).rejects.toMatchObject({
      constraint: 'package_revisions_transition',
    });
    await expect(setRevision('repo.a.d', 1, 'Draft')).rejects.toMatchObject({
      constraint: 'package_revisions_revision_lifecycle',
    });
    await insertRevision('repo.a', 'main', -1, 'Published');
    await setRevision('repo.a.main', -1, 'DeletionProposed');
    await expect(setRevision('repo.a.main', 3, 'Published')).rejects.toMatchObject({
      constraint: 'package_revisions_transition',
    });
  });

  it('keeps a positive revision number unique per package', async () => {
    await insertRevision('repo.a', 'x', 1, 'Published');
    await expect(insertRevision('repo.a', 'y', 1, 'Published')).rejects.toMatchObject({
      constraint: 'package_revisions_revision_unique',
    });
    await insertRevision('repo.b', 'y', 1, 'Published');
    await insertRevision('repo.a', 'z', -1, 'Published');
    await insertRevision('repo.a', 'zz', -1, 'Published');
  });

  it('refuses changes to immutable columns', async () => {
    await insertRevision('repo.a', 'd', 0, 'Draft');
    await fails(
      `update package_revisions set workspace = 'e' where name = 'repo.a.d'`,
      [],
      'package_revisions_immutable',
    );
    await fails(
      `update package_revisions set uid = gen_random_uuid() where name = 'repo.a.d'`,
      [],
      'package_revisions_immutable',
    );
    await fails(`update packages set path = 'c' where name = 'repo.a'`, [], 'packages_immutable');
    await fails(`update repositories set branch = 'dev'`, [], 'repositories_immutable');
    await fails(`update repositories set directory = 'x'`, [], 'repositories_immutable');
    await fails(`update repositories set repo_url = 'http://y'`, [], 'repositories_immutable');
    await sql(`update repositories set deployment = true, spec = '{"a":1}'`);
  });

  it('refuses unsafe resource paths', async () => {
    await insertRevision('repo.a', 'd', 0, 'Draft');
    const dotGit = [
      '.git/config',
      'a/.GIT/hooks/x',
      'a/.git. /x',
      '.git::$INDEX_ALLOCATION/x',
      'git~1/x',
      '.g\u200cit/x',
    ];
    const control = ['a\u0001b', 'tab\there', 'del\u007f'];
    for (const path of [
      '',
      '/etc/passwd',
      '../x',
      'a/../../x',
      'a/..',
      './a',
      '.',
      'a//b',
      'a/',
      'a\\b',
      ...dotGit,
      ...control,
    ]) {
      await fails(
        `insert into resources (namespace, package_revision, path, content) values ('ns', 'repo.a.d', $1, 'x')`,
        [path],
        'resources_path_safe',
      );
    }
    await sql(
      `insert into resources (namespace, package_revision, path, content) values ('ns', 'repo.a.d', 'a/.hidden/..x', 'x')`,
    );
    for (const path of ['.gitignore', 'a/.github/workflow.yaml', 'git~2', 'ünïcode/ok.yaml']) {
      await sql(
        `insert into resources (namespace, package_revision, path, content) values ('ns', 'repo.a.d', $1, 'x')`,
        [path],
      );
    }
  });

  it('stores a package path of any length whose segments are DNS labels (Porch lists them from git)', async () => {
    const insert = `insert into packages (namespace, name, repository, path, uid)
      values ('ns', 'repo.' || replace($1, '/', '.'), 'repo', $1, gen_random_uuid())`;
    await sql(insert, [`${'a'.repeat(60)}/${'b'.repeat(29)}`]);
    await fails(insert, [`${'a'.repeat(64)}/b`], 'packages_path_valid');
    await fails(insert, [Array.from({ length: 5 }, () => 'p'.repeat(60)).join('/')], 'packages_path_valid');
    await fails(insert, ['Net/vpc'], 'packages_path_valid');
  });

  it('cascades deletes and removes a package with its last revision', async () => {
    await insertRevision('repo.a', 'd', 0, 'Draft');
    await insertRevision('repo.a', 'e', 0, 'Draft');
    await sql(
      `insert into resources (namespace, package_revision, path, content) values ('ns', 'repo.a.d', 'Kptfile', 'x')`,
    );
    await sql(`delete from package_revisions where name = 'repo.a.d'`);
    expect((await sql(`select count(*)::int as n from resources`)).rows[0].n).toBe(0);
    expect((await sql(`select name from packages order by name`)).rows.map((r) => r.name)).toEqual([
      'repo.a',
      'repo.b',
    ]);
    await sql(`delete from package_revisions where name = 'repo.a.e'`);
    expect((await sql(`select name from packages order by name`)).rows.map((r) => r.name)).toEqual(['repo.b']);
    await insertRevision('repo.b', 'd', 0, 'Draft');
    await sql(`delete from repositories`);
    for (const table of ['packages', 'package_revisions', 'resources', 'repository_sync']) {
      expect((await sql(`select count(*)::int as n from ${table}`)).rows[0].n).toBe(0);
    }
  });

  it('moves the latest flag on publish, on delete of the latest, and not on a lower number', async () => {
    await insertRevision('repo.a', 'v1', 1, 'Published');
    expect(await latest('repo.a')).toEqual(['repo.a.v1']);
    await insertRevision('repo.a', 'p', 0, 'Proposed');
    await setRevision('repo.a.p', 3, 'Published');
    expect(await latest('repo.a')).toEqual(['repo.a.p']);
    await insertRevision('repo.a', 'q', 0, 'Proposed');
    await setRevision('repo.a.q', 2, 'Published');
    expect(await latest('repo.a')).toEqual(['repo.a.p']);
    await setRevision('repo.a.p', 3, 'DeletionProposed');
    expect(await latest('repo.a')).toEqual(['repo.a.p']);
    await sql(`delete from package_revisions where name = 'repo.a.p'`);
    expect(await latest('repo.a')).toEqual(['repo.a.q']);
    await insertRevision('repo.a', 'main', -1, 'Published');
    await sql(`delete from package_revisions where name in ('repo.a.q', 'repo.a.v1')`);
    expect(await latest('repo.a')).toEqual([]);
    await insertRevision('repo.b', 'v1', 1, 'Published');
    expect(await latest('repo.b')).toEqual(['repo.b.v1']);
  });
});
