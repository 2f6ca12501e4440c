/**
 * A sync never deletes what it could not read (docs/publish.md): a ref that exists but cannot be fetched keeps what
 * the database holds for it, the status names it and why, and the next sync reads it again and is exact.
 */
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverRevisions } from '../../lib/git/index.js';
import { syncRepository } from '../../lib/sync/sync-repository.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createFixtureRepo, type FixtureRepo } from '../support/git-fixtures.js';
import { startGitServer, type GitServer } from '../support/git-server.js';
import { countingDeps, registerRepository, snapshot, snapshotFromScratch, syncRow } from './support/sync-harness.js';

let t: TestDatabase;
let root: string;
let server: GitServer;
let repo: FixtureRepo;
let url: string;

beforeAll(async () => {
  t = await createTestDatabase();
  root = await mkdtemp(join(tmpdir(), 'porch-unreadable-'));
  server = await startGitServer(root);
  repo = await createFixtureRepo(root, 'flaky');
  url = `${server.url}/flaky.git`;
  for (const p of ['a', 'b'])
    await repo.publishLikePorch({ fullpath: p, workspace: 'w1', revision: 1, task: { type: 'init', init: {} } });
  await repo.push();
  await registerRepository(t.db, { name: 'flaky', url });
});
afterAll(async () => {
  await server?.stop();
  await t?.drop();
  await rm(root, { recursive: true, force: true });
});

/** The real discovery, except that `bad` refs fail to fetch as a server answering "not our ref" would. */
function failingOn(bad: Set<string>) {
  const { deps } = countingDeps();
  deps.git.discoverRevisions = async (remote, refs, options) => {
    const result = await discoverRevisions(remote, refs, options);
    return {
      revisions: result.revisions.filter((r) => !bad.has(r.fullRef)),
      skipped: [
        ...result.skipped,
        ...[...bad].map((ref) => ({ ref, reason: 'cannot fetch: ERR upload-pack: not our ref', unreadable: true })),
      ],
    };
  };
  return deps;
}

const names = async () =>
  (await t.db.query(`select name from package_revisions where repository = 'flaky' order by name`)).rows.map(
    (r) => r.name,
  );

describe('unreadable refs', () => {
  it('keep their revisions, are reported, and are read again by the next sync', async () => {
    expect(await syncRepository(t.db, 'ns', 'flaky', countingDeps().deps)).toMatchObject({ state: 'Ready' });
    const before = await names();
    expect(before).toEqual(['flaky.a.main', 'flaky.a.w1', 'flaky.b.main', 'flaky.b.w1']);
    // b moves on (new revision 2, the branch moves): the moved branch and b's tags cannot be fetched this time.
    await repo.publishLikePorch({ fullpath: 'b', workspace: 'w2', revision: 2, task: { type: 'init', init: {} } });
    await repo.push();
    const bad = new Set(['refs/heads/main', 'refs/tags/b/v1', 'refs/tags/b/v2']);
    const flaky = await syncRepository(t.db, 'ns', 'flaky', { ...failingOn(bad), now: () => new Date() });
    expect(flaky).toMatchObject({ state: 'Ready' });
    expect(await names()).toEqual(before); // nothing deleted, b/v2 not yet known
    const reported = (await syncRow(t.db, 'flaky')).skipped as { ref: string; reason: string }[];
    expect(reported.filter((s) => bad.has(s.ref)).map((s) => s.reason)).toEqual([
      'cannot fetch: ERR upload-pack: not our ref',
      'cannot fetch: ERR upload-pack: not our ref',
      'cannot fetch: ERR upload-pack: not our ref',
    ]);
    // The server recovers; no ref changes: the next sync still reads the refs it could not read, and is exact.
    const next = await syncRepository(t.db, 'ns', 'flaky', countingDeps().deps);
    expect(next).toMatchObject({ state: 'Ready', unchanged: false });
    expect(await names()).toEqual([...before, 'flaky.b.w2'].sort());
    expect(await snapshot(t.db, 'flaky')).toEqual(
      await snapshotFromScratch(() => createTestDatabase(), { name: 'flaky', url }),
    );
  });

  it('a full re-sync while the server answers every fetch with "not our ref" deletes nothing; recovery is exact', async () => {
    const flag = join(root, 'not-our-ref.flag');
    const forge = await startGitServer(root, 0, { forge: { notOurRefWhile: flag } });
    try {
      const forgeUrl = `${forge.url}/flaky.git`;
      await registerRepository(t.db, { name: 'forged', url: forgeUrl });
      expect(await syncRepository(t.db, 'ns', 'forged', countingDeps().deps)).toMatchObject({ state: 'Ready' });
      const before = await snapshot(t.db, 'forged');
      expect(before.revisions.length).toBeGreaterThan(3);
      // Ask for a full rediscovery (runOnceAt), and make every fetch fail as a flaky forge does.
      const runOnceAt = new Date(Date.now() - 60_000).toISOString();
      await t.db.query(
        `update repositories set spec = jsonb_set(spec, '{sync}', jsonb_build_object('runOnceAt', $1::text))
          where namespace = 'ns' and name = 'forged'`,
        [runOnceAt],
      );
      await writeFile(flag, '');
      const during = await syncRepository(t.db, 'ns', 'forged', countingDeps().deps);
      expect(during).toMatchObject({ state: 'Ready' });
      expect(await snapshot(t.db, 'forged')).toEqual(before);
      const reported = (await syncRow(t.db, 'forged')).skipped as { reason: string; unreadable?: boolean }[];
      expect(reported.some((s) => s.unreadable && /not our ref/.test(s.reason))).toBe(true);
      await unlink(flag);
      expect(await syncRepository(t.db, 'ns', 'forged', countingDeps().deps)).toMatchObject({ state: 'Ready' });
      expect(await snapshot(t.db, 'forged')).toEqual(
        await snapshotFromScratch(() => createTestDatabase(), { name: 'forged', url: forgeUrl }),
      );
    } finally {
      await forge.stop();
    }
  });
});
