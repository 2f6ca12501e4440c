import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, InvalidError } from '../../lib/errors.js';
import { getPackage } from '../../lib/storage/packages.js';
import { getPackageRevision } from '../../lib/storage/package-revisions.js';
import { getResources } from '../../lib/storage/resources.js';
import {
  deleteRevisions,
  insertDiscoveredRevision,
  insertDiscoveredRevisions,
  listPublishedKeys,
  type DiscoveredRevisionInput,
} from '../../lib/storage/revision-sync.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { addDraft, addRepository, KPTFILE, tagLock } from './fixtures.js';

const discovered = (
  packagePath: string,
  workspace: string,
  revision: number,
  extra: Partial<DiscoveredRevisionInput> = {},
): DiscoveredRevisionInput => ({
  packagePath,
  workspace,
  revision,
  lifecycle: 'Published',
  tasks: [],
  selfLock: tagLock('repo', packagePath, revision),
  files: KPTFILE,
  ...extra,
});

describe('sync storage helpers', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await addRepository(t.db, 'ns', 'repo');
  });
  afterAll(() => t.drop());

  it('stores discovered revisions with files; latest follows the highest number', async () => {
    const rows = await insertDiscoveredRevisions(
      t.db,
      'ns',
      'repo',
      [
        discovered('a/b', 'v1', 1),
        discovered('a/b', 'v2', 2, { files: { ...KPTFILE, 'x.yaml': 'x' } }),
        discovered('a/b', 'main', -1),
        discovered('c', 'v1', 1, { lifecycle: 'DeletionProposed' }),
      ],
      'sync',
    );
    expect(rows.map((r) => r.name)).toEqual(['repo.a.b.v1', 'repo.a.b.v2', 'repo.a.b.main', 'repo.c.v1']);
    expect(rows[0]!.publishTimestamp).toBeInstanceOf(Date);
    expect(rows[0]!.publishedBy).toBe('');
    expect((await getPackageRevision(t.db, 'ns', 'repo.a.b.v2'))!.latest).toBe(true);
    expect((await getPackageRevision(t.db, 'ns', 'repo.a.b.v1'))!.latest).toBe(false);
    expect((await getPackageRevision(t.db, 'ns', 'repo.a.b.main'))!.latest).toBe(false);
    expect(await getResources(t.db, 'ns', 'repo.a.b.v2')).toEqual({ ...KPTFILE, 'x.yaml': 'x' });
    expect(
      (await listPublishedKeys(t.db, 'ns', 'repo')).map((k) => [
        k.name,
        k.packagePath,
        k.workspace,
        k.revision,
        k.lifecycle,
      ]),
    ).toEqual([
      ['repo.a.b.main', 'a/b', 'main', -1, 'Published'],
      ['repo.a.b.v1', 'a/b', 'v1', 1, 'Published'],
      ['repo.a.b.v2', 'a/b', 'v2', 2, 'Published'],
      ['repo.c.v1', 'c', 'v1', 1, 'DeletionProposed'],
    ]);
  });

  it('updates the row with the same name, and stays within the storage rules', async () => {
    const read = (await getPackageRevision(t.db, 'ns', 'repo.a.b.main'))!.resourceVersion;
    const moved = await insertDiscoveredRevision(
      t.db,
      'ns',
      'repo',
      discovered('a/b', 'main', -1, { files: { Kptfile: 'new' }, expectedResourceVersion: read }),
      'sync',
    );
    expect(moved.selfLock).toEqual(tagLock('repo', 'a/b', -1));
    expect(await getResources(t.db, 'ns', 'repo.a.b.main')).toEqual({ Kptfile: 'new' });
    await addDraft(t.db, { namespace: 'ns', repository: 'repo', packagePath: 'd', workspace: 'v2' });
    // A Draft named like an un-annotated tag cannot become Published/2 (docs/porch-semantics.md §8.3): the rule fires,
    // nothing is written.
    await expect(insertDiscoveredRevision(t.db, 'ns', 'repo', discovered('d', 'v2', 2), 'sync')).rejects.toThrow(
      InvalidError,
    );
    expect((await getPackageRevision(t.db, 'ns', 'repo.d.v2'))!.lifecycle).toBe('Draft');
    const batch = insertDiscoveredRevisions(
      t.db,
      'ns',
      'repo',
      [discovered('e', 'v1', 1), discovered('d', 'v2', 2)],
      'sync',
    );
    await expect(batch).rejects.toThrow('"repo.d.v2"');
    expect(await getPackageRevision(t.db, 'ns', 'repo.e.v1')).toBeUndefined();
  });

  it('writes only over the row version it read; a new revision never over a Published one', async () => {
    const read = (await getPackageRevision(t.db, 'ns', 'repo.a.b.main'))!.resourceVersion;
    const stale = String(Number(read) - 1);
    const refresh = discovered('a/b', 'main', -1, { files: { Kptfile: 'stale' }, expectedResourceVersion: stale });
    await expect(insertDiscoveredRevision(t.db, 'ns', 'repo', refresh, 'sync')).rejects.toThrow(ConflictError);
    const gone = discovered('zz', 'v1', 1, { expectedResourceVersion: read });
    await expect(insertDiscoveredRevision(t.db, 'ns', 'repo', gone, 'sync')).rejects.toThrow(ConflictError);
    expect(await getPackageRevision(t.db, 'ns', 'repo.zz.v1')).toBeUndefined();
    const over = discovered('a/b', 'main', -1, { files: { Kptfile: 'over' } });
    await expect(insertDiscoveredRevision(t.db, 'ns', 'repo', over, 'sync')).rejects.toThrow(ConflictError);
    expect(await getResources(t.db, 'ns', 'repo.a.b.main')).toEqual({ Kptfile: 'new' });
  });

  it('publishes a Proposed row only when git holds exactly its files', async () => {
    await addDraft(t.db, { namespace: 'ns', repository: 'repo', packagePath: 'p', workspace: 'ws' });
    await t.db.query(
      `update package_revisions set lifecycle = 'Proposed' where namespace = 'ns' and name = 'repo.p.ws'`,
    );
    const other = discovered('p', 'ws', 1, { files: { ...KPTFILE, 'x.yaml': 'x' } });
    await expect(insertDiscoveredRevision(t.db, 'ns', 'repo', other, 'sync')).rejects.toThrow(ConflictError);
    expect((await getPackageRevision(t.db, 'ns', 'repo.p.ws'))!.lifecycle).toBe('Proposed');
    const same = await insertDiscoveredRevision(t.db, 'ns', 'repo', discovered('p', 'ws', 1), 'sync');
    expect(same).toMatchObject({ lifecycle: 'Published', revision: 1 });
  });

  it('deletes many revisions at once, each only at the version read; packages go with their last revision', async () => {
    const keys = await listPublishedKeys(t.db, 'ns', 'repo');
    const at = (name: string) => keys.find((k) => k.name === name) ?? { name, resourceVersion: '1' };
    const v1 = at('repo.a.b.v1');
    expect(
      await deleteRevisions(t.db, 'ns', [{ ...v1, resourceVersion: String(Number(v1.resourceVersion) - 1) }]),
    ).toEqual([]);
    expect((await deleteRevisions(t.db, 'ns', ['repo.a.b.v2', 'repo.c.v1', 'repo.none'].map(at))).sort()).toEqual([
      'repo.a.b.v2',
      'repo.c.v1',
    ]);
    expect((await getPackageRevision(t.db, 'ns', 'repo.a.b.v1'))!.latest).toBe(true);
    expect(await getPackage(t.db, 'ns', 'repo.c')).toBeUndefined();
    expect(await getPackage(t.db, 'ns', 'repo.a.b')).toBeDefined();
    expect(await deleteRevisions(t.db, 'ns', [])).toEqual([]);
  });
});
