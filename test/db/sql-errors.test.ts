import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translateSqlError } from '../../lib/db/sql-errors.js';
import { BadRequestError, ConflictError, InvalidError, NotFoundError, UnavailableError } from '../../lib/errors.js';
import { refs } from '../../lib/storage/types.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const subject = { ref: refs.packageRevision('repo.pkg.ws'), parent: refs.repository('repo'), revision: 3 };

/** The error PostgreSQL raises for `text`, translated. */
describe('SQL error translation', () => {
  let t: TestDatabase;
  const translated = async (text: string, values: unknown[] = []) =>
    translateSqlError(
      await t.db.query(text, values).then(
        () => undefined,
        (e) => e,
      ),
      subject,
    );

  beforeAll(async () => {
    t = await createTestDatabase();
    await t.db.query(
      `insert into repositories (namespace, name, repo_url, branch, directory, spec) values ('ns', 'repo', 'http://x', 'main', '', '{}')`,
    );
    await t.db.query(
      `insert into packages (namespace, name, repository, path, uid) values ('ns', 'repo.pkg', 'repo', 'pkg', gen_random_uuid())`,
    );
    await t.db.query(`insert into package_revisions (namespace, name, package, repository, package_path, workspace, revision, lifecycle, uid)
                      values ('ns', 'repo.pkg.v3', 'repo.pkg', 'repo', 'pkg', 'v3', 3, 'Published', gen_random_uuid())`);
  });
  afterAll(() => t.drop());

  it('names a taken revision number', async () => {
    const err =
      await translated(`insert into package_revisions (namespace, name, package, repository, package_path, workspace, revision, lifecycle, uid)
      values ('ns', 'repo.pkg.ws', 'repo.pkg', 'repo', 'pkg', 'ws', 3, 'Published', gen_random_uuid())`);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as Error).message).toBe(
      'Operation cannot be fulfilled on packagerevisions.porch.kpt.dev "repo.pkg.ws": create or update not allowed on column "revision", revision 3 already exists',
    );
  });

  it('reports a duplicate key as "already exists"', async () => {
    const err = await translated(
      `insert into repositories (namespace, name, repo_url, branch, directory, spec) values ('ns', 'repo', 'http://x', 'main', '', '{}')`,
    );
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as Error).message).toBe('packagerevisions.porch.kpt.dev "repo.pkg.ws" already exists');
  });

  it('turns trigger and CHECK rejections into 422 with the field', async () => {
    const transition = (await translated(
      `update package_revisions set revision = 0, lifecycle = 'Draft' where name = 'repo.pkg.v3'`,
    )) as InvalidError;
    expect(transition).toBeInstanceOf(InvalidError);
    expect(transition.message).toBe(
      'PackageRevision.porch.kpt.dev "repo.pkg.ws" is invalid: spec.revision: create or update not allowed on column "revision", update of revision from 3 to zero is illegal',
    );
    const immutable = (await translated(
      `update package_revisions set workspace = 'x' where name = 'repo.pkg.v3'`,
    )) as InvalidError;
    expect(immutable.causes[0]).toMatchObject({ field: 'spec.workspaceName', message: 'field is immutable' });
    const path = (await translated(`insert into resources values ('ns', 'repo.pkg.v3', '../x', '')`)) as InvalidError;
    expect(path.causes[0]!.field).toBe('spec.resources');
  });

  it('reports a missing parent as 404 and bad values as 400', async () => {
    const missing = await translated(
      `insert into packages (namespace, name, repository, path, uid) values ('ns', 'nope.pkg', 'nope', 'pkg', gen_random_uuid())`,
    );
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as Error).message).toBe('repositories.config.porch.kpt.dev "repo" not found');
    expect(await translated(`select 'x'::bigint`)).toBeInstanceOf(BadRequestError);
    const raced =
      await translated(`insert into package_revisions (namespace, name, package, repository, package_path, workspace, uid)
      values ('ns', 'repo.gone.ws', 'repo.gone', 'repo', 'gone', 'ws', gen_random_uuid())`);
    expect(raced).toBeInstanceOf(ConflictError);
  });

  it('maps concurrency and availability failures, and leaves other errors alone', async () => {
    const pg = (code: string) => Object.assign(new Error('x'), { code });
    expect(translateSqlError(pg('40001'), subject)).toBeInstanceOf(ConflictError);
    expect(translateSqlError(pg('40P01'), subject)).toBeInstanceOf(ConflictError);
    expect((translateSqlError(pg('55P03'), subject) as Error).message).toContain(
      'another request is already in progress',
    );
    expect(translateSqlError(pg('57P01'), subject)).toBeInstanceOf(UnavailableError);
    expect(translateSqlError(new Error('Connection terminated unexpectedly'), subject)).toBeInstanceOf(
      UnavailableError,
    );
    const other = new Error('boom');
    expect(translateSqlError(other, subject)).toBe(other);
    expect(translateSqlError(pg('42P01'), subject)).toMatchObject({ code: '42P01' });
  });
});
