import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscoveredRevision } from '../../lib/git/index.js';
import { changeLogHorizon, readChanges, type StoredChange } from '../../lib/storage/change-log.js';
import { getRepository } from '../../lib/storage/repositories.js';
import { deleteRevisions, listPublishedKeys } from '../../lib/storage/revision-sync.js';
import { writeDiscoveredRevisions } from '../../lib/sync/revision-store.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { addDraft, addRepository, KPTFILE } from '../storage/fixtures.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

const tag = (pkg: string, revision: number): DiscoveredRevision => ({
  packagePath: pkg,
  workspace: `v${revision}`,
  revision,
  lifecycle: 'Published',
  ref: `${pkg}/v${revision}`,
  fullRef: `refs/tags/${pkg}/v${revision}`,
  commit: 'c'.repeat(40),
  files: KPTFILE,
  tasks: [],
});

/** Stores revisions as a sync does (one transaction per batch of 200); answers the change-log entries written. */
async function importRevisions(ns: string, repo: string, revisions: DiscoveredRevision[]): Promise<StoredChange[]> {
  const start = await changeLogHorizon(t.db);
  const row = (await getRepository(t.db, ns, repo))!;
  expect(
    await writeDiscoveredRevisions(
      t.db,
      row,
      revisions.map((revision) => ({ revision })),
    ),
  ).toEqual([]);
  return entriesAfter(start);
}

async function entriesAfter(start: string): Promise<StoredChange[]> {
  return (await readChanges(t.db, start, await changeLogHorizon(t.db), 10_000, 'stored')).entries;
}

const brief = (entries: StoredChange[]) => entries.map((e) => `${e.type} ${e.kind} ${e.name}`).sort();

async function currentVersions(ns: string, table: 'packages' | 'package_revisions') {
  const { rows } = await t.db.query<{ name: string; rv: string }>(
    `select name, resource_version::text as rv from ${table} where namespace = $1`,
    [ns],
  );
  return new Map(rows.map((r) => [r.name, r.rv]));
}

/** The stored keys of these revisions as a sync reads them (a sync's delete applies only at the version read). */
async function observed(names: string[]) {
  return (await listPublishedKeys(t.db, 'bulk', 'repo')).filter((k) => names.includes(k.name));
}

describe('change log of bulk writes', () => {
  it('a sync import of N revisions in M packages writes N revision and M package entries, each with its final state', async () => {
    await addRepository(t.db, 'bulk', 'repo');
    const pkgs = ['a', 'b', 'c', 'd'];
    const entries = await importRevisions(
      'bulk',
      'repo',
      pkgs.flatMap((p) => [1, 2, 3, 4, 5].map((r) => tag(p, r))),
    );
    expect(entries.filter((e) => e.kind === 'PackageRevision')).toHaveLength(20);
    expect(entries.filter((e) => e.kind === 'PorchPackage')).toHaveLength(4);
    expect(entries.every((e) => e.type === 'ADDED')).toBe(true);
    // Each entry is the object as committed: the version a GET answers, the latest flag and number set.
    const revisions = await currentVersions('bulk', 'package_revisions');
    const packages = await currentVersions('bulk', 'packages');
    for (const e of entries) {
      const current = e.kind === 'PackageRevision' ? revisions : packages;
      expect(e.resourceVersion).toBe(current.get(e.name));
      expect(String(e.object.resource_version)).toBe(e.resourceVersion);
    }
    const latest = entries.filter((e) => e.kind === 'PackageRevision' && e.object.latest).map((e) => e.name);
    expect(latest.sort()).toEqual(['repo.a.v5', 'repo.b.v5', 'repo.c.v5', 'repo.d.v5']);
    const pkg = entries.find((e) => e.name === 'repo.a')!;
    expect(pkg.object.latest_revision).toBe(5);
  });

  it('an incremental import logs the new revision, the one that lost the latest flag and the package, once each', async () => {
    const before = await currentVersions('bulk', 'packages');
    const entries = await importRevisions('bulk', 'repo', [tag('a', 6), tag('b', 6)]);
    expect(brief(entries)).toEqual([
      'ADDED PackageRevision repo.a.v6',
      'ADDED PackageRevision repo.b.v6',
      'MODIFIED PackageRevision repo.a.v5',
      'MODIFIED PackageRevision repo.b.v5',
      'MODIFIED PorchPackage repo.a',
      'MODIFIED PorchPackage repo.b',
    ]);
    const pkg = entries.find((e) => e.name === 'repo.a')!;
    expect(pkg.object.latest_revision).toBe(6);
    expect(pkg.previous).toMatchObject({ resource_version: Number(before.get('repo.a')) });
    expect(entries.find((e) => e.name === 'repo.a.v5')).toMatchObject({
      object: { latest: false },
      previous: { latest: true },
    });
    // Packages whose latest revision did not move are not written at all.
    const after = await currentVersions('bulk', 'packages');
    expect(after.get('repo.c')).toBe(before.get('repo.c'));
  });

  it('removing the latest revision moves the flag and touches the package once; removing the last one empties it', async () => {
    await addDraft(t.db, { namespace: 'bulk', repository: 'repo', packagePath: 'c', workspace: 'draft' });
    let start = await changeLogHorizon(t.db);
    await deleteRevisions(t.db, 'bulk', await observed(['repo.c.v5']));
    let entries = await entriesAfter(start);
    expect(brief(entries)).toEqual([
      'DELETED PackageRevision repo.c.v5',
      'MODIFIED PackageRevision repo.c.v4',
      'MODIFIED PorchPackage repo.c',
    ]);
    expect(entries.find((e) => e.kind === 'PorchPackage')!.object.latest_revision).toBe(4);
    start = await changeLogHorizon(t.db);
    await deleteRevisions(t.db, 'bulk', await observed(['repo.c.v1', 'repo.c.v2', 'repo.c.v3', 'repo.c.v4']));
    entries = await entriesAfter(start);
    expect(brief(entries)).toEqual([
      'DELETED PackageRevision repo.c.v1',
      'DELETED PackageRevision repo.c.v2',
      'DELETED PackageRevision repo.c.v3',
      'DELETED PackageRevision repo.c.v4',
      'MODIFIED PorchPackage repo.c',
    ]);
    expect(entries.find((e) => e.kind === 'PorchPackage')!.object.latest_revision).toBeNull();
  });

  it('changes of one object in one transaction are one entry; added then deleted is none', async () => {
    const start = await changeLogHorizon(t.db);
    await t.db.transaction(async (tx) => {
      await tx.query(
        `update package_revisions set meta = '{"labels":{"step":"1"}}' where namespace = 'bulk' and name = 'repo.c.draft'`,
      );
      await tx.query(
        `update package_revisions set meta = '{"labels":{"step":"2"}}' where namespace = 'bulk' and name = 'repo.c.draft'`,
      );
      await tx.query(
        `insert into package_revisions (namespace, name, package, repository, package_path, workspace, uid)
         values ('bulk', 'repo.c.brief', 'repo.c', 'repo', 'c', 'brief', gen_random_uuid())`,
      );
      await tx.query(`delete from package_revisions where namespace = 'bulk' and name = 'repo.c.brief'`);
    });
    const entries = await entriesAfter(start);
    expect(brief(entries)).toEqual(['MODIFIED PackageRevision repo.c.draft']);
    expect(entries[0]).toMatchObject({ object: { meta: { labels: { step: '2' } } }, previous: { meta: {} } });
  });

  it('a name deleted and created again in one transaction is a DELETED then an ADDED', async () => {
    const start = await changeLogHorizon(t.db);
    await t.db.transaction(async (tx) => {
      await tx.query(`delete from package_revisions where namespace = 'bulk' and name = 'repo.d.v1'`);
      await tx.query(
        `insert into package_revisions (namespace, name, package, repository, package_path, workspace, uid)
         values ('bulk', 'repo.d.v1', 'repo.d', 'repo', 'd', 'v1', gen_random_uuid())`,
      );
    });
    const entries = await entriesAfter(start);
    expect(entries.map((e) => `${e.type} ${e.name}`)).toEqual(['DELETED repo.d.v1', 'ADDED repo.d.v1']);
  });
});
