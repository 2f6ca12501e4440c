import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, InvalidError, NotFoundError } from '../../lib/errors.js';
import { getPackage } from '../../lib/storage/packages.js';
import { getPackageRevision } from '../../lib/storage/package-revisions.js';
import { deleteRepository, getRepository, listRepositories, updateRepository } from '../../lib/storage/repositories.js';
import { getSyncState, getSyncStates, listDueRepositories, saveSyncState } from '../../lib/storage/repository-sync.js';
import { getResources } from '../../lib/storage/resources.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { addPublished, addRepository } from './fixtures.js';

describe('repository storage', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.drop());

  it('inserts a repository with a due sync state, and refuses a duplicate', async () => {
    const row = await addRepository(t.db, 'ns', 'repo');
    expect(row).toMatchObject({
      namespace: 'ns',
      name: 'repo',
      type: 'git',
      branch: 'main',
      directory: '',
      deployment: false,
      generation: 1,
      updatedBy: 'tester',
    });
    expect(row.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(await getRepository(t.db, 'ns', 'repo')).toEqual(row);
    expect(await getSyncState(t.db, 'ns', 'repo')).toMatchObject({
      state: 'Reconciling',
      refs: {},
      observedGeneration: 0,
      skipped: [],
    });
    await expect(addRepository(t.db, 'ns', 'repo')).rejects.toThrow(
      'repositories.config.porch.kpt.dev "repo" already exists',
    );
    await expect(addRepository(t.db, 'ns', 'Bad_Name')).rejects.toThrow(InvalidError);
  });

  it('updates by compare-and-set, bumps generation on a spec change, refuses immutable changes', async () => {
    const row = await addRepository(t.db, 'ns', 'upd');
    const meta = await updateRepository(
      t.db,
      'ns',
      'upd',
      row.resourceVersion,
      { meta: { labels: { a: 'b' } } },
      'alice',
    );
    expect(meta.generation).toBe(1);
    const spec = await updateRepository(
      t.db,
      'ns',
      'upd',
      meta.resourceVersion,
      { spec: { ...row.spec, description: 'x' } },
      'alice',
    );
    expect(spec).toMatchObject({ generation: 2, spec: { description: 'x' }, meta: { labels: { a: 'b' } } });
    await expect(updateRepository(t.db, 'ns', 'upd', row.resourceVersion, { deployment: true }, 'bob')).rejects.toThrow(
      ConflictError,
    );
    await expect(updateRepository(t.db, 'ns', 'nope', '1', {}, 'bob')).rejects.toThrow(NotFoundError);
    const immutable = updateRepository(t.db, 'ns', 'upd', spec.resourceVersion, { branch: 'other' }, 'bob');
    await expect(immutable).rejects.toThrow(InvalidError);
    await expect(immutable).rejects.toThrow('spec.git.branch: field is immutable');
    expect((await getRepository(t.db, 'ns', 'upd'))!.branch).toBe('main');
  });

  it('lists repositories with pagination and selectors', async () => {
    await addRepository(t.db, 'other', 'repo');
    const page = await listRepositories(t.db, { namespace: 'ns', limit: 1 });
    expect(page.items.map((r) => r.name)).toEqual(['repo']);
    expect(
      (await listRepositories(t.db, { namespace: 'ns', continue: page.continue })).items.map((r) => r.name),
    ).toEqual(['upd']);
    expect((await listRepositories(t.db, { labelSelector: 'a=b' })).items.map((r) => r.name)).toEqual(['upd']);
    expect(
      (await listRepositories(t.db, { fieldSelector: 'metadata.name=repo' })).items.map((r) => r.namespace),
    ).toEqual(['ns', 'other']);
  });

  it('saves sync state partially and lists due repositories', async () => {
    const now = new Date();
    const later = new Date(now.getTime() + 3600_000);
    const saved = await saveSyncState(t.db, 'ns', 'repo', {
      refs: { 'refs/heads/main': 'a'.repeat(40) },
      version: 'v1',
      state: 'Ready',
      message: 'Repository Ready',
      lastFullSyncTime: now,
      nextFullSyncTime: later,
      observedGeneration: 1,
      packageCount: 3,
      both: 2,
      externalOnly: 1,
      skipped: [{ ref: 'refs/tags/p/v0', reason: 'revision 0' }],
      durationMs: 12,
    });
    expect(saved).toMatchObject({
      state: 'Ready',
      packageCount: 3,
      both: 2,
      cachedOnly: 0,
      externalOnly: 1,
      durationMs: 12,
      skipped: [{ ref: 'refs/tags/p/v0', reason: 'revision 0' }],
    });
    const patched = await saveSyncState(t.db, 'ns', 'repo', { state: 'Error', message: 'boom' });
    expect(patched).toMatchObject({ state: 'Error', message: 'boom', version: 'v1', packageCount: 3 });
    await expect(saveSyncState(t.db, 'ns', 'missing', { state: 'Ready' })).rejects.toThrow(NotFoundError);
    const due = (await listDueRepositories(t.db, now, 100)).map((d) => `${d.namespace}/${d.name}`);
    expect(due).toContain('ns/upd');
    expect(due).not.toContain('ns/repo');
    expect((await listDueRepositories(t.db, new Date(later.getTime() + 1), 100)).map((d) => d.name)).toContain('repo');
    expect((await getSyncStates(t.db, 'ns', ['repo', 'upd'])).map((s) => s.repository).sort()).toEqual(['repo', 'upd']);
    // A failed sync waits for its retry time even with an unsynced generation; a spec change ends the wait.
    await saveSyncState(t.db, 'ns', 'upd', { state: 'Error', nextFullSyncTime: later, observedGeneration: 1 });
    expect((await listDueRepositories(t.db, now, 100)).map((d) => d.name)).not.toContain('upd');
    const upd = (await getRepository(t.db, 'ns', 'upd'))!;
    await updateRepository(
      t.db,
      'ns',
      'upd',
      upd.resourceVersion,
      { spec: { ...upd.spec, sync: { runOnceAt: now.toISOString() } } },
      'alice',
    );
    // `now` of the query a second ahead: the reset time is the database's clock, in microseconds.
    expect((await listDueRepositories(t.db, new Date(Date.now() + 1000), 100)).map((d) => d.name)).toContain('upd');
  });

  it('deleting a repository cascades to packages, revisions, files and sync state', async () => {
    await addRepository(t.db, 'ns', 'gone');
    const rev = await addPublished(t.db, 'ns', 'gone', 'pkg', 'v1', 1);
    const deleted = await deleteRepository(t.db, 'ns', 'gone');
    expect(deleted.name).toBe('gone');
    expect(await getPackageRevision(t.db, 'ns', rev.name)).toBeUndefined();
    expect(await getPackage(t.db, 'ns', 'gone.pkg')).toBeUndefined();
    expect(await getResources(t.db, 'ns', rev.name)).toEqual({});
    expect(await getSyncState(t.db, 'ns', 'gone')).toBeUndefined();
    await expect(deleteRepository(t.db, 'ns', 'gone')).rejects.toThrow(NotFoundError);
    const r = (await getRepository(t.db, 'ns', 'repo'))!;
    await expect(deleteRepository(t.db, 'ns', 'repo', '999999999')).rejects.toThrow(ConflictError);
    await expect(deleteRepository(t.db, 'ns', 'repo', 'x')).rejects.toThrow(ConflictError);
    expect((await deleteRepository(t.db, 'ns', 'repo', r.resourceVersion)).name).toBe('repo');
  });
});
