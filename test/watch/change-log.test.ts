import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchChanges } from '../../lib/storage/change-log-match.js';
import {
  compactChangeLog,
  compactedThrough,
  advanceRelayCursor,
  lockRelayCursor,
} from '../../lib/storage/change-log-state.js';
import {
  changeLogHorizon,
  packageChanges,
  readChanges,
  repositoryChanges,
  revisionChanges,
} from '../../lib/storage/change-log.js';
import { deletePackageRevision, updatePackageRevision } from '../../lib/storage/package-revisions.js';
import { saveSyncState } from '../../lib/storage/repository-sync.js';
import { deleteRevisions, listPublishedKeys, insertDiscoveredRevision } from '../../lib/storage/revision-sync.js';
import { parseFieldSelector } from '../../lib/selectors/field-selector.js';
import { parseLabelSelector } from '../../lib/selectors/label-selector.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { addDraft, addPublished, addRepository, KPTFILE, tagLock } from '../storage/fixtures.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());

const all = async (after = '0') => (await readChanges(t.db, after, await changeLogHorizon(t.db), 10_000)).entries;
const brief = (entries: { kind: string; type: string; name: string }[]) =>
  entries.map((e) => `${e.type} ${e.kind} ${e.name}`);

describe('change log', () => {
  it('records every change of repositories, packages and revisions in resourceVersion order', async () => {
    const start = await changeLogHorizon(t.db);
    await addRepository(t.db, 'ns1', 'repo');
    const draft = await addDraft(t.db, { namespace: 'ns1', repository: 'repo', packagePath: 'app', workspace: 'ws' });
    await updatePackageRevision(t.db, 'ns1', draft.name, draft.resourceVersion, { lifecycle: 'Proposed' }, 'me');
    const entries = await all(start);
    expect(brief(entries)).toEqual([
      'ADDED Repository repo',
      'ADDED PorchPackage repo.app',
      'ADDED PackageRevision repo.app.ws',
      'MODIFIED PackageRevision repo.app.ws',
    ]);
    const versions = entries.map((e) => BigInt(e.resourceVersion));
    expect([...versions].sort((a, b) => (a < b ? -1 : 1))).toEqual(versions);
    const rows = await revisionChanges(t.db, [entries[3]!.resourceVersion]);
    expect(rows.get(entries[3]!.resourceVersion)).toMatchObject({ name: 'repo.app.ws', lifecycle: 'Proposed' });
    expect(rows.get(entries[3]!.resourceVersion)!.created).toBeInstanceOf(Date);
  });

  it('a publish moves the latest flag and the package gets a MODIFIED with its new latest revision', async () => {
    const start = await changeLogHorizon(t.db);
    await addPublished(t.db, 'ns1', 'repo', 'pub', 'v1ws', 1);
    const entries = await all(start);
    const pkgModified = entries.filter((e) => e.kind === 'PorchPackage' && e.type === 'MODIFIED');
    expect(pkgModified.length).toBeGreaterThan(0);
    const pkgs = await packageChanges(t.db, [pkgModified.at(-1)!.resourceVersion]);
    expect(pkgs.get(pkgModified.at(-1)!.resourceVersion)).toMatchObject({ name: 'repo.pub', latestRevision: 1 });
    // The placeholder (main) is added too.
    expect(brief(entries)).toContain('ADDED PackageRevision repo.pub.main');
  });

  it('deletes, sync imports, removals and sync status changes are logged', async () => {
    await addRepository(t.db, 'ns2', 'sync');
    const start = await changeLogHorizon(t.db);
    await insertDiscoveredRevision(
      t.db,
      'ns2',
      'sync',
      {
        packagePath: 'imp',
        workspace: 'v1',
        revision: 1,
        lifecycle: 'Published',
        tasks: [],
        selfLock: tagLock('sync', 'imp', 1),
        files: KPTFILE,
      },
      'sync',
    );
    await saveSyncState(t.db, 'ns2', 'sync', { state: 'Ready', message: 'Repository Ready', packageCount: 1 });
    const imported = (await listPublishedKeys(t.db, 'ns2', 'sync')).filter((k) => k.name === 'sync.imp.v1');
    await deleteRevisions(t.db, 'ns2', imported);
    const entries = await all(start);
    expect(brief(entries)).toEqual(
      expect.arrayContaining([
        'ADDED PackageRevision sync.imp.v1',
        'MODIFIED Repository sync',
        'DELETED PackageRevision sync.imp.v1',
        'DELETED PorchPackage sync.imp',
      ]),
    );
    const status = entries.find((e) => e.kind === 'Repository')!;
    expect(status.cause).toBe('sync');
    const repo = (await repositoryChanges(t.db, [status.resourceVersion])).get(status.resourceVersion)!;
    expect(repo.row.name).toBe('sync');
    expect(repo.sync).toMatchObject({ state: 'Ready', packageCount: 1 });
    expect(repo.sync).not.toHaveProperty('refs', expect.anything());
  });

  it('a DELETED carries the object as it was, at a new version', async () => {
    const draft = await addDraft(t.db, { namespace: 'ns1', repository: 'repo', packagePath: 'gone', workspace: 'ws' });
    const start = await changeLogHorizon(t.db);
    await deletePackageRevision(t.db, 'ns1', draft.name);
    const deleted = (await all(start)).find((e) => e.type === 'DELETED' && e.kind === 'PackageRevision')!;
    expect(BigInt(deleted.resourceVersion)).toBeGreaterThan(BigInt(draft.resourceVersion));
    const row = (await revisionChanges(t.db, [deleted.resourceVersion])).get(deleted.resourceVersion);
    expect(row).toMatchObject({ name: draft.name, resourceVersion: draft.resourceVersion });
  });

  it('the horizon stays below a running writer until it commits, whatever commits after it', async () => {
    const slow = new pg.Client({ connectionString: t.url });
    await slow.connect();
    try {
      await slow.query('begin');
      const { rows } = await slow.query<{ rv: string }>(
        `update repositories set meta = '{"labels":{"slow":"yes"}}' where namespace = 'ns1' and name = 'repo'
         returning resource_version::text as rv`,
      );
      const slowVersion = BigInt(rows[0]!.rv);
      const fast = await addDraft(t.db, { namespace: 'ns1', repository: 'repo', packagePath: 'fast', workspace: 'ws' });
      expect(BigInt(fast.resourceVersion)).toBeGreaterThan(slowVersion);
      expect(BigInt(await changeLogHorizon(t.db))).toBeLessThan(slowVersion);
      await slow.query('commit');
      expect(BigInt(await changeLogHorizon(t.db))).toBeGreaterThanOrEqual(BigInt(fast.resourceVersion));
    } finally {
      await slow.end();
    }
  });

  it('selectors are decided on the object before and after the change', async () => {
    await addRepository(t.db, 'ns3', 'repo');
    const labels = { team: 'a' };
    const draft = await addDraft(t.db, {
      namespace: 'ns3',
      repository: 'repo',
      packagePath: 'sel',
      workspace: 'ws',
      meta: { labels },
    });
    const start = await changeLogHorizon(t.db);
    await updatePackageRevision(
      t.db,
      'ns3',
      draft.name,
      draft.resourceVersion,
      { meta: { labels: { team: 'b' } } },
      'x',
    );
    const [entry] = await all(start);
    const fields = parseFieldSelector('spec.repository=repo', 'packagerevisions');
    const match = await matchChanges(t.db, 'packagerevisions', fields, parseLabelSelector('team=a'), [
      entry!.resourceVersion,
    ]);
    expect(match.before.has(entry!.resourceVersion)).toBe(true);
    expect(match.after.has(entry!.resourceVersion)).toBe(false);
  });

  it('compaction drops entries older than the retention, not past the relay within its grace', async () => {
    const before = await compactedThrough(t.db);
    await t.db.transaction(async (tx) => {
      await advanceRelayCursor(tx, await lockRelayCursor(tx), before);
    });
    const held = await compactChangeLog(t.db, { retentionSeconds: 0, relayGraceSeconds: 3600 });
    expect(held.deleted).toBe(0);
    const done = await compactChangeLog(t.db, { retentionSeconds: 0, relayGraceSeconds: 0 });
    expect(done.deleted).toBeGreaterThan(0);
    expect(BigInt(await compactedThrough(t.db))).toBeGreaterThan(BigInt(before));
    expect(await all(before)).toEqual(await all(done.through));
  });
});
