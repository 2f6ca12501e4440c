import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, InvalidError, NotFoundError } from '../../lib/errors.js';
import { packageRevisionUid } from '../../lib/names.js';
import { getPackage } from '../../lib/storage/packages.js';
import {
  deletePackageRevision,
  findUpstreamReferences,
  getPackageRevision,
  nextRevisionNumber,
  updatePackageRevision,
} from '../../lib/storage/package-revisions.js';
import { publishPackageRevision, unclaimedRevisionNumbers } from '../../lib/storage/publish.js';
import { getResources, getResourcesOf, replaceResources } from '../../lib/storage/resources.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { addDraft, addPublished, addRepository, KPTFILE, tagLock } from './fixtures.js';

describe('package revision storage', () => {
  let t: TestDatabase;
  const ns = 'ns';
  beforeAll(async () => {
    t = await createTestDatabase();
    await addRepository(t.db, ns, 'repo');
  });
  afterAll(() => t.drop());

  it('creates a draft with its package row and files in one go', async () => {
    const row = await addDraft(
      t.db,
      {
        namespace: ns,
        repository: 'repo',
        packagePath: 'net/vpc',
        workspace: 'ws1',
        tasks: [{ type: 'init', init: { description: 'd' } }],
      },
      { ...KPTFILE, 'sub/a.yaml': 'a: 1\n' },
    );
    expect(row).toMatchObject({
      name: 'repo.net.vpc.ws1',
      package: 'repo.net.vpc',
      packageName: 'vpc',
      packagePath: 'net/vpc',
      revision: 0,
      lifecycle: 'Draft',
      latest: false,
      uid: packageRevisionUid(ns, 'repo.net.vpc.ws1'),
      tasks: [{ type: 'init', init: { description: 'd' } }],
      selfLock: null,
    });
    expect(row.resourceVersion).toMatch(/^[0-9]+$/);
    expect(row.created).toBeInstanceOf(Date);
    expect(await getResources(t.db, ns, row.name)).toEqual({ Kptfile: KPTFILE.Kptfile, 'sub/a.yaml': 'a: 1\n' });
    expect(await getPackage(t.db, ns, 'repo.net.vpc')).toMatchObject({
      path: 'net/vpc',
      packageName: 'vpc',
      latestRevision: null,
    });
  });

  it('refuses a duplicate name with 409 and writes nothing for a bad file path', async () => {
    await expect(
      addDraft(t.db, { namespace: ns, repository: 'repo', packagePath: 'net/vpc', workspace: 'ws1' }),
    ).rejects.toThrow(ConflictError);
    const bad = addDraft(
      t.db,
      { namespace: ns, repository: 'repo', packagePath: 'bad', workspace: 'ws' },
      { '../etc/passwd': 'x' },
    );
    await expect(bad).rejects.toThrow(InvalidError);
    expect(await getPackageRevision(t.db, ns, 'repo.bad.ws')).toBeUndefined();
    expect(await getPackage(t.db, ns, 'repo.bad')).toBeUndefined();
  });

  it('refuses invalid names with the Kubernetes message of the field at fault, writing nothing', async () => {
    const bad = addDraft(t.db, { namespace: ns, repository: 'repo', packagePath: 'ok', workspace: 'Bad_WS' });
    await expect(bad).rejects.toThrow(InvalidError);
    await expect(bad).rejects.toThrow(
      'PackageRevision.porch.kpt.dev "repo.ok.Bad_WS" is invalid: spec.workspaceName: Invalid value: "Bad_WS": a lowercase RFC 1123 label must consist of',
    );
    await expect(
      addDraft(t.db, { namespace: ns, repository: 'repo', packagePath: 'a//b', workspace: 'ws' }),
    ).rejects.toThrow('spec.packageName: Invalid value: "a//b"');
    // A path of any length is stored (Porch lists such packages from git) while the composed name stays ≤ 253.
    const long = Array.from({ length: 7 }, (_, i) => `${'p'.repeat(40)}${i}`).join('/');
    await expect(
      addDraft(t.db, { namespace: ns, repository: 'repo', packagePath: long, workspace: 'ws' }),
    ).rejects.toThrow('metadata.name: Invalid value');
    await expect(
      addDraft(t.db, { namespace: ns, repository: 'repo', packagePath: `${'a'.repeat(64)}/b`, workspace: 'ws' }),
    ).rejects.toThrow('must be no more than 63 characters');
    expect(await getPackage(t.db, ns, 'repo.ok')).toBeUndefined();
  });

  it('reports a missing repository as 404', async () => {
    await expect(
      addDraft(t.db, { namespace: ns, repository: 'nope', packagePath: 'p', workspace: 'ws' }),
    ).rejects.toThrow('repositories.config.porch.kpt.dev "nope" not found');
  });

  it('compare-and-sets updates: a stale resourceVersion is refused and changes nothing', async () => {
    const row = await addDraft(t.db, { namespace: ns, repository: 'repo', packagePath: 'cas', workspace: 'ws' });
    const updated = await updatePackageRevision(
      t.db,
      ns,
      row.name,
      row.resourceVersion,
      { meta: { labels: { a: 'b' } } },
      'alice',
    );
    expect(updated.resourceVersion).not.toBe(row.resourceVersion);
    expect(updated).toMatchObject({ meta: { labels: { a: 'b' } }, updatedBy: 'alice' });
    const stale = updatePackageRevision(t.db, ns, row.name, row.resourceVersion, { meta: {} }, 'bob');
    await expect(stale).rejects.toThrow(ConflictError);
    await expect(stale).rejects.toThrow('the object has been modified');
    await expect(updatePackageRevision(t.db, ns, row.name, 'garbage', {}, 'bob')).rejects.toThrow(ConflictError);
    await expect(updatePackageRevision(t.db, ns, 'repo.cas.none', '1', {}, 'bob')).rejects.toThrow(NotFoundError);
    expect((await getPackageRevision(t.db, ns, row.name))!.meta).toEqual({ labels: { a: 'b' } });
  });

  it('never stores the latest label: it is the flag', async () => {
    const row = await addDraft(t.db, {
      namespace: ns,
      repository: 'repo',
      packagePath: 'lbl',
      workspace: 'ws',
      meta: { labels: { 'kpt.dev/latest-revision': 'true', x: 'y' } },
    });
    expect(row.meta).toEqual({ labels: { x: 'y' } });
    const updated = await updatePackageRevision(
      t.db,
      ns,
      row.name,
      row.resourceVersion,
      { meta: { labels: { 'kpt.dev/latest-revision': 'true' } } },
      'a',
    );
    expect(updated.meta).toEqual({ labels: {} });
  });

  it('replaces resources as a whole under compare-and-set', async () => {
    const row = await addDraft(
      t.db,
      { namespace: ns, repository: 'repo', packagePath: 'files', workspace: 'ws' },
      { ...KPTFILE, 'old.yaml': 'x' },
    );
    const next = await replaceResources(
      t.db,
      ns,
      row.name,
      row.resourceVersion,
      { ...KPTFILE, 'new.yaml': 'y' },
      { conditions: [{ type: 'Ready', status: 'True' }] },
      'alice',
    );
    expect(next.conditions).toEqual([{ type: 'Ready', status: 'True' }]);
    expect(Object.keys(await getResources(t.db, ns, row.name))).toEqual(['Kptfile', 'new.yaml']);
    await expect(replaceResources(t.db, ns, row.name, row.resourceVersion, {}, {}, 'bob')).rejects.toThrow(
      ConflictError,
    );
    await expect(
      replaceResources(t.db, ns, row.name, next.resourceVersion, { 'a//b': 'x' }, {}, 'bob'),
    ).rejects.toThrow(InvalidError);
    expect(Object.keys(await getResources(t.db, ns, row.name))).toEqual(['Kptfile', 'new.yaml']);
    const many = await getResourcesOf(t.db, ns, [row.name, 'repo.none.ws']);
    expect(Object.keys(many.get(row.name)!)).toEqual(['Kptfile', 'new.yaml']);
    expect(many.get('repo.none.ws')).toEqual({});
  });

  it('reads a file named __proto__ in lists as in a single get (an assignment set the prototype instead)', async () => {
    const files = { ...KPTFILE, __proto__: 'x: 1\n', constructor: 'y: 2\n' };
    Object.defineProperty(files, '__proto__', {
      value: 'x: 1\n',
      enumerable: true,
      configurable: true,
      writable: true,
    });
    const row = await addDraft(
      t.db,
      { namespace: ns, repository: 'repo', packagePath: 'protofiles', workspace: 'ws' },
      files,
    );
    expect(Object.keys(await getResources(t.db, ns, row.name)).sort()).toEqual(['Kptfile', '__proto__', 'constructor']);
    const many = await getResourcesOf(t.db, ns, [row.name]);
    expect(Object.keys(many.get(row.name)!).sort()).toEqual(['Kptfile', '__proto__', 'constructor']);
  });

  it('publishes with a placeholder copy, moves latest, and numbers the next revision', async () => {
    const v1 = await addPublished(t.db, ns, 'repo', 'app', 'v1', 1, { ...KPTFILE, 'x.yaml': 'x' });
    expect(v1).toMatchObject({
      revision: 1,
      lifecycle: 'Published',
      latest: true,
      publishedBy: 'approver',
      selfLock: tagLock('repo', 'app', 1),
    });
    expect(v1.publishTimestamp).toBeInstanceOf(Date);
    const placeholder = await getPackageRevision(t.db, ns, 'repo.app.main');
    expect(placeholder).toMatchObject({
      revision: -1,
      lifecycle: 'Published',
      latest: false,
      selfLock: v1.selfLock,
      workspace: 'main',
    });
    expect(await getResources(t.db, ns, 'repo.app.main')).toEqual(await getResources(t.db, ns, v1.name));
    expect(await nextRevisionNumber(t.db, ns, 'repo.app')).toBe(2);
    const v2 = await addPublished(t.db, ns, 'repo', 'app', 'v2', 2, KPTFILE);
    expect(v2.latest).toBe(true);
    expect((await getPackageRevision(t.db, ns, v1.name))!.latest).toBe(false);
    expect(await getResources(t.db, ns, 'repo.app.main')).toEqual(KPTFILE);
    expect((await getPackage(t.db, ns, 'repo.app'))!.latestRevision).toBe(2);
  });

  it('names the numbers a half-done publish may hold: gaps among the highest, then those after the highest', async () => {
    const window = { highest: 4, after: 3 };
    expect(await unclaimedRevisionNumbers(t.db, ns, 'repo.gaps', window)).toEqual([3, 2, 1]);
    for (const n of [1, 2, 4, 7, 8, 9]) await addPublished(t.db, ns, 'repo', 'gaps', `g${n}`, n);
    // The four highest are 9, 8, 7, 4: the gaps between them are 6 and 5; 3 lies below the window.
    expect(await unclaimedRevisionNumbers(t.db, ns, 'repo.gaps', window)).toEqual([12, 11, 10, 6, 5]);
    // However wide the gaps, at most highest + after numbers.
    await addPublished(t.db, ns, 'repo', 'gaps', 'g1000', 1000);
    expect(await unclaimedRevisionNumbers(t.db, ns, 'repo.gaps', window)).toEqual([
      1003, 1002, 1001, 999, 998, 997, 996,
    ]);
  });

  it('refuses to publish a draft (422) or a taken number (409)', async () => {
    const draft = await addDraft(t.db, { namespace: ns, repository: 'repo', packagePath: 'app', workspace: 'd1' });
    const publish = (name: string, revision: number) =>
      publishPackageRevision(t.db, {
        namespace: ns,
        name,
        revision,
        selfLock: tagLock('repo', 'app', revision),
        publishedBy: 'x',
        updatedBy: 'x',
      });
    await expect(publish(draft.name, 3)).rejects.toThrow(InvalidError);
    const proposed = await updatePackageRevision(
      t.db,
      ns,
      draft.name,
      draft.resourceVersion,
      { lifecycle: 'Proposed' },
      'x',
    );
    await expect(publish(proposed.name, 1)).rejects.toThrow('revision 1 already exists');
    expect((await getPackageRevision(t.db, ns, draft.name))!.lifecycle).toBe('Proposed');
  });

  it('deletes a revision, with compare-and-set when asked', async () => {
    const row = await addDraft(t.db, { namespace: ns, repository: 'repo', packagePath: 'gone', workspace: 'ws' });
    await expect(deletePackageRevision(t.db, ns, row.name, '1')).rejects.toThrow(ConflictError);
    expect((await deletePackageRevision(t.db, ns, row.name, row.resourceVersion)).name).toBe(row.name);
    await expect(deletePackageRevision(t.db, ns, row.name)).rejects.toThrow(NotFoundError);
    expect(await getPackage(t.db, ns, 'repo.gone')).toBeUndefined();
    expect(await getResources(t.db, ns, row.name)).toEqual({});
  });

  it('finds revisions that name another as upstream', async () => {
    await addDraft(t.db, {
      namespace: ns,
      repository: 'repo',
      packagePath: 'down',
      workspace: 'ws',
      tasks: [{ type: 'clone', clone: { upstreamRef: { upstreamRef: { name: 'repo.app.v1' } } } }],
    });
    await addDraft(t.db, {
      namespace: ns,
      repository: 'repo',
      packagePath: 'down2',
      workspace: 'ws',
      tasks: [
        {
          type: 'upgrade',
          upgrade: {
            oldUpstreamRef: { name: 'a' },
            newUpstreamRef: { name: 'repo.app.v1' },
            localPackageRevisionRef: { name: 'b' },
          },
        },
      ],
    });
    expect(await findUpstreamReferences(t.db, ns, 'repo.app.v1')).toEqual(['repo.down.ws', 'repo.down2.ws']);
    expect(await findUpstreamReferences(t.db, ns, 'repo.app.v2')).toEqual([]);
  });
});
