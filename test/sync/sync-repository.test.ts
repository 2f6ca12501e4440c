import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../lib/db/pool.js';
import { syncRepository } from '../../lib/sync/sync-repository.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createFixtureRepo, git, type FixtureRepo } from '../support/git-fixtures.js';
import { startGitServer, type GitServer } from '../support/git-server.js';
import { countingDeps, registerRepository, snapshot, syncRow } from './support/sync-harness.js';

/** The real pool, counting the statements sent through `query` (the no-change path must send very few). */
class CountingDatabase extends Database {
  statements = 0;
  override query: Database['query'] = (text, values) => {
    this.statements++;
    return super.query(text, values);
  };
}

let t: TestDatabase;
let server: GitServer;
let repo: FixtureRepo;
let url: string;

beforeAll(async () => {
  t = await createTestDatabase();
  const root = await mkdtemp(join(tmpdir(), 'porch-sync-git-'));
  server = await startGitServer(root);
  repo = await createFixtureRepo(root, 'catalog');
  url = `${server.url}/catalog.git`;
  await repo.writePackage('pkgs/a', { 'cm.yaml': 'kind: ConfigMap\n' });
  await repo.writePackage('pkgs/b');
  await repo.writePackage('pkgs/nested/c', { 'deep/x.yaml': 'x: 1\n' });
  await repo.write({ 'outside/Kptfile': 'kind: Kptfile\n' });
  await repo.commit('three packages');
  await repo.tag('pkgs/b/v1');
  await repo.tag('pkgs/nested/c/v1', { message: 'annotated' });
  await repo.tag('pkgs/b/v0');
  await repo.setBranch('drafts/pkgs/b/wip');
  await repo.publishLikePorch({
    fullpath: 'pkgs/a',
    workspace: 'first',
    revision: 1,
    task: { type: 'init', init: {} },
  });
  await repo.publishLikePorch({
    fullpath: 'pkgs/a',
    workspace: 'second',
    revision: 2,
    task: { type: 'edit', edit: { sourceRef: { name: 'catalog.pkgs.a.first' } } },
    files: { 'cm.yaml': 'kind: ConfigMap\ndata: {v: "2"}\n' },
  });
  await repo.push();
  await registerRepository(t.db, { name: 'catalog', url, directory: 'pkgs' });
});

afterAll(async () => {
  await server?.stop();
  await t?.drop();
});

/** Syncs the same repository into a brand-new database and returns its snapshot. */
async function fromScratch() {
  const fresh = await createTestDatabase();
  try {
    await registerRepository(fresh.db, { name: 'catalog', url, directory: 'pkgs' });
    const r = await syncRepository(fresh.db, 'ns', 'catalog', countingDeps().deps);
    expect(r).toMatchObject({ ran: true, state: 'Ready' });
    return await snapshot(fresh.db, 'catalog');
  } finally {
    await fresh.drop();
  }
}

describe('syncRepository', () => {
  it('imports every published revision of the repository and reports skipped refs', async () => {
    const { deps, calls } = countingDeps();
    const result = await syncRepository(t.db, 'ns', 'catalog', deps);
    expect(result).toMatchObject({ ran: true, state: 'Ready', cachedOnly: 0, both: 0, unchanged: false });
    const names = (await snapshot(t.db, 'catalog')).revisions.map(
      (r) => `${r.name} ${r.revision} ${r.lifecycle}${r.latest ? ' latest' : ''}`,
    );
    expect(names).toEqual([
      'catalog.a.first 1 Published',
      'catalog.a.main -1 Published',
      'catalog.a.second 2 Published latest',
      'catalog.b.main -1 Published',
      'catalog.b.v1 1 Published latest',
      'catalog.nested.c.main -1 Published',
      'catalog.nested.c.v1 1 Published latest',
    ]);
    expect(calls.discover).toHaveLength(1);
    const state = await syncRow(t.db, 'catalog');
    expect(state).toMatchObject({ state: 'Ready', message: 'Repository Ready', package_count: 7, external_only: 7 });
    expect(state.skipped.map((s: { ref: string }) => s.ref)).toEqual(['refs/tags/pkgs/b/v0']);
    expect(state.commit_hash).toBe(await repo.bare('rev-parse', 'main'));
    expect(state.last_full_sync_time).toBeInstanceOf(Date);
    expect(state.next_full_sync_time.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
    const files = await t.db.query(
      `select path from resources where package_revision = 'catalog.nested.c.v1' order by path`,
    );
    expect(files.rows.map((r) => r.path)).toEqual(['Kptfile', 'deep/x.yaml']);
    const tasks = await t.db.query(`select tasks from package_revisions where name = 'catalog.a.second'`);
    expect(tasks.rows[0].tasks[0].type).toBe('edit');
  });

  it('with unchanged refs: one ref listing, no discovery, a read and one status write', async () => {
    const counting = new CountingDatabase(t.db.pool);
    const { deps, calls } = countingDeps();
    const before = await snapshot(t.db, 'catalog');
    const { syncs } = await syncRow(t.db, 'catalog');
    const logged = await t.db.query(`select coalesce(max(resource_version), 0) as rv from change_log`);
    const result = await syncRepository(counting, 'ns', 'catalog', deps);
    expect(result).toMatchObject({ ran: true, state: 'Ready', unchanged: true, refsRead: 0, packageCount: 7 });
    expect(calls).toEqual({ listRemoteRefs: 1, discover: [] });
    expect(counting.statements).toBe(2);
    expect(await snapshot(t.db, 'catalog')).toEqual(before);
    // Never marked Reconciling: the Repository changed once, to Ready, counting one more finished sync.
    const changes = await t.db.query(
      `select object -> 'sync' ->> 'state' as state from change_log
        where kind = 'Repository' and name = 'catalog' and resource_version > $1`,
      [logged.rows[0].rv],
    );
    expect(changes.rows).toEqual([{ state: 'Ready' }]);
    expect((await syncRow(t.db, 'catalog')).syncs).toBe(String(BigInt(syncs) + 1n));
  });

  it('after tags are added, moved and deleted, reads only the changed refs and converges to a from-scratch sync', async () => {
    await repo.writePackage('pkgs/b', { 'svc.yaml': 'kind: Service\n' });
    await repo.writePackage('pkgs/d');
    await repo.commit('b changes, d appears');
    await repo.tag('pkgs/b/v2');
    await repo.tag('pkgs/a/v1', { target: 'HEAD' }); // moved off its annotated commit: workspace first → v1
    await repo.tag('pkgs/b/v1', { target: 'HEAD' }); // moved: same key (b, 1, v1), other content
    await repo.deleteRef('refs/tags/pkgs/nested/c/v1');
    await repo.push();

    const { deps, calls } = countingDeps();
    const result = await syncRepository(t.db, 'ns', 'catalog', deps);
    expect(result).toMatchObject({ ran: true, state: 'Ready', cachedOnly: 2, unchanged: false });
    expect(calls.discover[0]).toEqual([
      'refs/heads/main',
      'refs/tags/pkgs/a/v1',
      'refs/tags/pkgs/b/v1',
      'refs/tags/pkgs/b/v2',
    ]);
    expect(calls.discover.flat()).not.toContain('refs/tags/pkgs/nested/c/v1');
    expect(calls.discover.flat()).not.toContain('refs/tags/pkgs/a/v2');
    const b1 = await t.db.query(`select path from resources where package_revision = 'catalog.b.v1' order by path`);
    expect(b1.rows.map((r) => r.path)).toEqual(['Kptfile', 'svc.yaml']);
    expect(await snapshot(t.db, 'catalog')).toEqual(await fromScratch());
    const state = await syncRow(t.db, 'catalog');
    expect(state.skipped.map((s: { ref: string }) => s.ref)).toEqual(['refs/tags/pkgs/b/v0']);
  });

  it('deleting a package from the branch removes its placeholder', async () => {
    await repo.remove('pkgs/d');
    await repo.commit('d goes');
    await repo.push();
    await syncRepository(t.db, 'ns', 'catalog', countingDeps().deps);
    const snap = await snapshot(t.db, 'catalog');
    expect(snap.revisions.map((r) => r.name)).not.toContain('catalog.d.main');
    expect(snap.packages.map((p) => p.name)).not.toContain('catalog.d');
    expect(snap).toEqual(await fromScratch());
  });

  it('ten concurrent syncs of one repository: exactly one runs, the others return {ran:false} at once', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const { deps } = countingDeps();
    const slow = {
      ...deps,
      git: {
        ...deps.git,
        listRemoteRefs: async (remote: Parameters<typeof deps.git.listRemoteRefs>[0]) => {
          entered();
          await gate; // hold the lock until the other nine have tried
          return deps.git.listRemoteRefs(remote);
        },
      },
    };
    const first = syncRepository(t.db, 'ns', 'catalog', slow);
    await inside;
    const started = Date.now();
    const others = await Promise.all(Array.from({ length: 9 }, () => syncRepository(t.db, 'ns', 'catalog', deps)));
    const elapsed = Date.now() - started;
    release();
    expect(await first).toMatchObject({ ran: true, state: 'Ready' });
    expect(others).toEqual(Array.from({ length: 9 }, () => ({ ran: false })));
    expect(elapsed).toBeLessThan(2_000);
  });

  it('a tag whose name collides with a Draft is skipped and reported, and imported once the Draft is gone', async () => {
    await t.db.query(
      `insert into package_revisions (namespace, name, package, repository, package_path, workspace, revision, lifecycle, uid)
       values ('ns', 'catalog.b.v3', 'catalog.b', 'catalog', 'b', 'v3', 0, 'Draft', gen_random_uuid())`,
    );
    await repo.tag('pkgs/b/v3');
    await repo.push();
    const first = await syncRepository(t.db, 'ns', 'catalog', countingDeps().deps);
    expect(first).toMatchObject({ ran: true, state: 'Ready' });
    const state = await syncRow(t.db, 'catalog');
    const skip = state.skipped.find((s: { ref: string }) => s.ref === 'refs/tags/pkgs/b/v3');
    expect(skip).toMatchObject({ pending: true });
    expect(skip.reason).toContain('catalog.b.v3');
    await t.db.query(`delete from package_revisions where name = 'catalog.b.v3'`);
    // refs unchanged, but a pending skip makes the sync look again (reading only that ref)
    const { deps, calls } = countingDeps();
    expect(await syncRepository(t.db, 'ns', 'catalog', deps)).toMatchObject({
      ran: true,
      state: 'Ready',
      unchanged: false,
    });
    expect(calls.discover).toEqual([['refs/tags/pkgs/b/v3']]);
    expect((await syncRow(t.db, 'catalog')).skipped.map((s: { ref: string }) => s.ref)).toEqual([
      'refs/tags/pkgs/b/v0',
    ]);
    expect(await snapshot(t.db, 'catalog')).toEqual(await fromScratch());
  });

  it('a past runOnceAt rereads every ref once, then is observed', async () => {
    const at = new Date(Date.now() - 60_000).toISOString();
    await t.db.query(`update repositories set spec = jsonb_set(spec, '{sync}', $1::jsonb) where name = 'catalog'`, [
      JSON.stringify({ runOnceAt: at }),
    ]);
    const refs = Object.keys(JSON.parse(JSON.stringify((await syncRow(t.db, 'catalog')).refs)));
    const { deps, calls } = countingDeps();
    expect(await syncRepository(t.db, 'ns', 'catalog', deps)).toMatchObject({
      ran: true,
      state: 'Ready',
      refsRead: refs.length,
    });
    expect((await syncRow(t.db, 'catalog')).observed_run_once_at).toEqual(new Date(at));
    expect(await syncRepository(t.db, 'ns', 'catalog', deps)).toMatchObject({ ran: true, unchanged: true });
    expect(calls.discover).toHaveLength(1);
    expect(await snapshot(t.db, 'catalog')).toEqual(await fromScratch());
  });

  it('a git failure marks the repository Error and keeps what it had', async () => {
    await registerRepository(t.db, { name: 'broken', url: `${server.url}/missing.git` });
    const result = await syncRepository(t.db, 'ns', 'broken', countingDeps().deps);
    expect(result).toMatchObject({ ran: true, state: 'Error' });
    const state = await syncRow(t.db, 'broken');
    expect(state.state).toBe('Error');
    expect(state.message).not.toBe('');
    expect(state.next_full_sync_time.getTime()).toBeLessThan(Date.now() + 120_000);
  });

  it('a missing branch fails the sync, unless the repository asks for it to be created (docs/porch-semantics.md §7.6)', async () => {
    const root = join(repo.bareDir, '..');
    await createFixtureRepo(root, 'empty1', { empty: true });
    await createFixtureRepo(root, 'empty2', { empty: true });
    await registerRepository(t.db, { name: 'empty1', url: `${server.url}/empty1.git` });
    await registerRepository(t.db, {
      name: 'empty2',
      url: `${server.url}/empty2.git`,
      spec: { git: { repo: `${server.url}/empty2.git`, branch: 'main', createBranch: true } },
    });
    expect(await syncRepository(t.db, 'ns', 'empty1', countingDeps().deps)).toMatchObject({
      ran: true,
      state: 'Error',
      message: 'branch "main" doesn\'t exist',
    });
    expect(await syncRepository(t.db, 'ns', 'empty2', countingDeps().deps)).toMatchObject({
      ran: true,
      state: 'Ready',
      packageCount: 0,
    });
    const bare = join(root, 'empty2.git');
    expect(await git(bare, 'log', '-1', '--format=%s|%an <%ae>', 'main')).toBe(
      'Initial commit: Creating main branch|Package Orchestration Service <porch@kpt.dev>',
    );
    expect(await git(bare, 'show', 'main:README.md')).toBe('Created by porch');
  });

  it('an oci repository is reported, not synced', async () => {
    await t.db.query(`insert into repositories (namespace, name, type, repo_url, branch, directory, spec)
      values ('ns', 'images', 'oci', 'oci://registry/x', 'main', '', '{}')`);
    const { deps, calls } = countingDeps();
    expect(await syncRepository(t.db, 'ns', 'images', deps)).toMatchObject({
      ran: true,
      state: 'Error',
      message: 'repositories of type "oci" are not synced',
    });
    expect(calls.listRemoteRefs).toBe(0);
  });

  it('a repository deleted meanwhile is a no-op', async () => {
    expect(await syncRepository(t.db, 'ns', 'nope', countingDeps().deps)).toMatchObject({ ran: true, state: 'Gone' });
  });
});
