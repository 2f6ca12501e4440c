/**
 * Half-done publishes end converged after the next sync (and/or a retry of the approval): the git half of the
 * approval is lib/git's, the database half REVISIONS', the convergence sync's. Drives the real approval handler.
 */
import { chmod, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishRevision, pushPublishTag } from '../../lib/git/index.js';
import { getResources } from '../../lib/storage/resources.js';
import { syncRepository } from '../../lib/sync/sync-repository.js';
import { createHarness, NS, PR, PRR, newRevision, withLifecycle, type Harness } from '../api/harness.js';
import { createTestDatabase } from '../support/database.js';
import { git } from '../support/git-fixtures.js';
import { startGitServer, type GitServer } from '../support/git-server.js';
import { countingDeps, snapshot, snapshotFromScratch } from './support/sync-harness.js';

let h: Harness;
let flaky: GitServer | undefined;
let flakyPort: number;

beforeAll(async () => {
  h = await createHarness();
  flaky = await startGitServer(h.root);
  flakyPort = Number(new URL(flaky.url).port);
  for (const name of [
    'outage',
    'halfway',
    'retried',
    'dbfail',
    'racing',
    'edited',
    'recreated',
    'reproposed',
    'frozen',
  ]) {
    const url = name === 'outage' ? `${flaky.url}/${name}.git` : undefined;
    await h.addRepository(name, url ? { url } : {});
  }
});
afterAll(async () => {
  await flaky?.stop();
  await h?.close();
});

const urlOf = (repo: string) =>
  repo === 'outage' ? `http://127.0.0.1:${flakyPort}/outage.git` : `${h.server.url}/${repo}.git`;
const bare = (repo: string, ...args: string[]) => git(h.repos[repo]!.bareDir, ...args);
const remote = (repo: string) => ({ url: urlOf(repo), branch: 'main', directory: '', timeoutMs: 5_000 });
const sync = (repo: string) => syncRepository(h.tdb.db, NS, repo, countingDeps().deps);
const row = async (name: string) =>
  (
    await h.tdb.db.query(
      'select revision, lifecycle, latest from package_revisions where namespace = $1 and name = $2',
      [NS, name],
    )
  ).rows[0];
const syncState = async (repo: string) =>
  (await h.tdb.db.query('select * from repository_sync where namespace = $1 and repository = $2', [NS, repo])).rows[0];
const expectConverged = async (repo: string) =>
  expect(await snapshot(h.tdb.db, repo, NS)).toEqual(
    await snapshotFromScratch(() => createTestDatabase(), { namespace: NS, name: repo, url: urlOf(repo) }),
  );

/** A Proposed revision created through the API; answers its current object. */
async function proposed(repo: string, pkg: string, ws: string) {
  const created = await h.call('POST', PR, { body: newRevision(repo, pkg, ws) });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const name = created.body.metadata.name;
  const res = await h.call('PUT', `${PR}/${name}`, { body: withLifecycle(created.body, 'Proposed') });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}
const approve = (obj: any) =>
  h.call('PUT', `${PR}/${obj.metadata.name}/approval`, { body: withLifecycle(obj, 'Published') });

/** What the approval would push for a stored Proposed revision. */
async function publishInput(obj: any) {
  return {
    packagePath: obj.spec.packageName,
    workspace: obj.spec.workspaceName,
    revision: 1,
    files: await getResources(h.tdb.db, NS, obj.metadata.name),
    task: obj.spec.tasks[0],
  };
}

describe('half-done publishes converge', () => {
  it('git down at publish: 503, revision stays Proposed, nothing in git; later approval and sync converge', async () => {
    const obj = await proposed('outage', 'app', 'ws1');
    await flaky!.stop();
    flaky = undefined;
    const res = await approve(obj);
    expect(res.status).toBe(503);
    expect(await row('outage.app.ws1')).toMatchObject({ revision: 0, lifecycle: 'Proposed' });
    expect(await bare('outage', 'tag', '-l')).toBe('');
    flaky = await startGitServer(h.root, flakyPort);
    expect(await sync('outage')).toMatchObject({ ran: true, state: 'Ready' });
    expect(await row('outage.app.ws1')).toMatchObject({ revision: 0, lifecycle: 'Proposed' });
    const again = await approve((await h.call('GET', `${PR}/outage.app.ws1`)).body);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(await sync('outage')).toMatchObject({ ran: true, state: 'Ready', externalOnly: 0 });
    await expectConverged('outage');
  });

  it('process died after the tag push, before the branch push: the next sync publishes N and completes the branch', async () => {
    const obj = await proposed('halfway', 'app', 'ws1');
    const tagged = await pushPublishTag(remote('halfway'), await publishInput(obj));
    expect(await bare('halfway', 'ls-tree', '--name-only', 'main')).not.toContain('app');
    expect(await sync('halfway')).toMatchObject({ ran: true, state: 'Ready' });
    expect(await row('halfway.app.ws1')).toMatchObject({ revision: 1, lifecycle: 'Published', latest: true });
    expect(await bare('halfway', 'ls-tree', '--name-only', 'main')).toContain('app');
    expect(await bare('halfway', 'rev-parse', 'refs/tags/app/v1')).toBe(tagged.commit);
    // a retry of the approval now finds the revision published: refused, nothing changes
    const retry = await approve((await h.call('GET', `${PR}/halfway.app.ws1`)).body);
    expect(retry.status).toBe(422);
    await sync('halfway'); // sees the branch it completed
    await expectConverged('halfway');
    expect(await bare('halfway', 'tag', '-l')).toBe('app/v1');
  });

  it('process died after the tag push: a retry of the approval adopts the tag and finishes; sync agrees', async () => {
    const obj = await proposed('retried', 'app', 'ws1');
    const tagged = await pushPublishTag(remote('retried'), await publishInput(obj));
    const retry = await approve(obj);
    expect(retry.status, JSON.stringify(retry.body)).toBe(200);
    expect(retry.body.spec.revision).toBe(1);
    expect(await bare('retried', 'rev-parse', 'refs/tags/app/v1')).toBe(tagged.commit);
    expect(await bare('retried', 'ls-tree', '--name-only', 'main')).toContain('app');
    expect(await sync('retried')).toMatchObject({ ran: true, state: 'Ready', cachedOnly: 0 });
    expect(await row('retried.app.ws1')).toMatchObject({ revision: 1, lifecycle: 'Published' });
    await expectConverged('retried');
  });

  it('branch push failed, then the draft was rejected and edited: the approval does not adopt the tag with the old files', async () => {
    const obj = await proposed('edited', 'app', 'ws1');
    const stale = await pushPublishTag(remote('edited'), await publishInput(obj)); // the branch push then failed
    const reject = await h.call('PUT', `${PR}/edited.app.ws1/approval`, { body: withLifecycle(obj, 'Draft') });
    expect(reject.status, JSON.stringify(reject.body)).toBe(200);
    const prr = (await h.call('GET', `${PRR}/edited.app.ws1`)).body;
    const resources = {
      ...prr.spec.resources,
      'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: edited\n',
    };
    const put = await h.call('PUT', `${PRR}/edited.app.ws1`, { body: { ...prr, spec: { ...prr.spec, resources } } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const draft = (await h.call('GET', `${PR}/edited.app.ws1`)).body;
    const again = await h.call('PUT', `${PR}/edited.app.ws1`, { body: withLifecycle(draft, 'Proposed') });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    const res = await approve(again.body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // Tag 1 holds files that were never published under this name: the edited files take the next number.
    expect(res.body.spec.revision).toBe(2);
    expect(res.body.status.selfLock.git.commit).not.toBe(stale.commit);
    expect(await bare('edited', 'show', 'refs/tags/app/v2:app/cm.yaml')).toContain('name: edited');
    expect(await bare('edited', 'show', 'main:app/cm.yaml')).toContain('name: edited');
    expect(await bare('edited', 'rev-parse', 'refs/tags/app/v1')).toBe(stale.commit);
    expect(await sync('edited')).toMatchObject({ ran: true, state: 'Ready', cachedOnly: 0 });
    expect(await row('edited.app.ws1')).toMatchObject({ revision: 2, lifecycle: 'Published', latest: true });
    expect((await getResources(h.tdb.db, NS, 'edited.app.ws1'))['cm.yaml']).toContain('name: edited');
    await expectConverged('edited');
  });

  it('database write failed after the push: the next sync completes the publish', async () => {
    const obj = await proposed('dbfail', 'app', 'ws1');
    await h.tdb.db.query(`create function fail_publish() returns trigger language plpgsql as $$
      begin raise exception 'injected failure of the publish write'; end $$`);
    await h.tdb.db.query(`create trigger fail_publish before update on package_revisions for each row
      when (old.lifecycle = 'Proposed' and new.lifecycle = 'Published') execute function fail_publish()`);
    try {
      const res = await approve(obj);
      expect(res.status).toBe(500);
    } finally {
      await h.tdb.db.query('drop trigger fail_publish on package_revisions; drop function fail_publish()');
    }
    expect(await row('dbfail.app.ws1')).toMatchObject({ revision: 0, lifecycle: 'Proposed' });
    expect(await bare('dbfail', 'tag', '-l')).toBe('app/v1');
    expect(await sync('dbfail')).toMatchObject({ ran: true, state: 'Ready' });
    expect(await row('dbfail.app.ws1')).toMatchObject({ revision: 1, lifecycle: 'Published', latest: true });
    await expectConverged('dbfail');
  });

  it('a publish that lands while a sync runs is not mistaken for a deletion', async () => {
    const obj = await proposed('racing', 'app', 'ws1');
    const { deps } = countingDeps();
    let first = true;
    const racing = {
      ...deps,
      git: {
        ...deps.git,
        // The approval completes (tag, branch, row) right after the sync's first ref listing.
        listRemoteRefs: async (r: Parameters<typeof deps.git.listRemoteRefs>[0]) => {
          const refs = await deps.git.listRemoteRefs(r);
          if (first) {
            first = false;
            const res = await approve(obj);
            expect(res.status, JSON.stringify(res.body)).toBe(200);
          }
          return refs;
        },
      },
    };
    expect(await syncRepository(h.tdb.db, NS, 'racing', racing)).toMatchObject({
      ran: true,
      state: 'Ready',
      cachedOnly: 0,
    });
    expect(await row('racing.app.ws1')).toMatchObject({ revision: 1, lifecycle: 'Published' });
    await expectConverged('racing');
  });

  it("a full publish made behind the service's back is imported as well", async () => {
    await publishRevision(remote('dbfail'), {
      packagePath: 'other',
      workspace: 'w',
      revision: 1,
      files: { Kptfile: 'apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: other\n' },
    });
    await sync('dbfail');
    expect(await row('dbfail.other.w')).toMatchObject({ revision: 1, lifecycle: 'Published' });
    await expectConverged('dbfail');
  });

  it('a sync that read a revision before it was deleted and created again leaves the new Draft alone', async () => {
    const obj = await proposed('recreated', 'app', 'ws1');
    const published = await approve(obj);
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(await sync('recreated')).toMatchObject({ ran: true, state: 'Ready' });
    // Another package published behind the service's back: the refs changed, so the sync reads the database.
    await publishRevision(remote('recreated'), {
      packagePath: 'other',
      workspace: 'w',
      revision: 1,
      files: { Kptfile: 'apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: other\n' },
    });
    const { deps } = countingDeps();
    let listings = 0;
    const racing = {
      ...deps,
      git: {
        ...deps.git,
        // Between the sync's read of the database and its second ref listing: delete, then create the same name.
        listRemoteRefs: async (r: Parameters<typeof deps.git.listRemoteRefs>[0]) => {
          listings += 1;
          if (listings === 2) {
            // The whole package goes (revision and placeholder), so that init may create it again.
            for (const name of ['recreated.app.ws1', 'recreated.app.main']) {
              const current = (await h.call('GET', `${PR}/${name}`)).body;
              const marked = await h.call('PUT', `${PR}/${name}/approval`, {
                body: withLifecycle(current, 'DeletionProposed'),
              });
              expect(marked.status, JSON.stringify(marked.body)).toBe(200);
              const removed = await h.call('DELETE', `${PR}/${name}`);
              expect(removed.status, JSON.stringify(removed.body)).toBe(200);
            }
            const again = await h.call('POST', PR, { body: newRevision('recreated', 'app', 'ws1') });
            expect(again.status, JSON.stringify(again.body)).toBe(201);
          }
          return deps.git.listRemoteRefs(r);
        },
      },
    };
    expect(await syncRepository(h.tdb.db, NS, 'recreated', racing)).toMatchObject({ ran: true, state: 'Ready' });
    expect(await row('recreated.app.ws1')).toMatchObject({ revision: 0, lifecycle: 'Draft' });
  });

  it('after a half-done publish, reject + edit + re-propose: the sync keeps the edit and reports the clash', async () => {
    const obj = await proposed('reproposed', 'app', 'ws1');
    await pushPublishTag(remote('reproposed'), await publishInput(obj)); // the approval then answered 503
    expect(
      (await h.call('PUT', `${PR}/reproposed.app.ws1/approval`, { body: withLifecycle(obj, 'Draft') })).status,
    ).toBe(200);
    const prr = (await h.call('GET', `${PRR}/reproposed.app.ws1`)).body;
    const resources = {
      ...prr.spec.resources,
      'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mine\n',
    };
    const put = await h.call('PUT', `${PRR}/reproposed.app.ws1`, {
      body: { ...prr, spec: { ...prr.spec, resources } },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const draft = (await h.call('GET', `${PR}/reproposed.app.ws1`)).body;
    expect((await h.call('PUT', `${PR}/reproposed.app.ws1`, { body: withLifecycle(draft, 'Proposed') })).status).toBe(
      200,
    );
    const result = await sync('reproposed');
    expect(result).toMatchObject({ ran: true, state: 'Ready' });
    expect(JSON.stringify((result as { skipped: unknown }).skipped)).toContain('other files');
    expect(await row('reproposed.app.ws1')).toMatchObject({ revision: 0, lifecycle: 'Proposed' });
    expect((await getResources(h.tdb.db, NS, 'reproposed.app.ws1'))['cm.yaml']).toContain('name: mine');
  });

  it('a half-done publish whose branch push keeps failing stays pending in the status until a sync completes it', async () => {
    const bareDir = h.repos.frozen!.bareDir;
    // The ordered fallback (no atomic push), and a branch that refuses pushes while the flag file exists.
    await bare('frozen', 'config', 'receive.advertiseAtomic', 'false');
    const flag = join(bareDir, 'frozen-flag');
    await writeFile(join(bareDir, 'hooks', 'pre-receive'), `#!/bin/sh\ntest -e "${flag}" && exit 1\nexit 0\n`);
    await chmod(join(bareDir, 'hooks', 'pre-receive'), 0o755);
    const obj = await proposed('frozen', 'app', 'ws1');
    await pushPublishTag(remote('frozen'), await publishInput(obj)); // the process died here
    await writeFile(flag, '');
    const first = await sync('frozen');
    expect(first).toMatchObject({ ran: true, state: 'Ready' });
    expect(await row('frozen.app.ws1')).toMatchObject({ revision: 1, lifecycle: 'Published' });
    const pending = (await syncState('frozen')).skipped.filter((s: { publish?: unknown }) => s.publish);
    expect(pending).toHaveLength(1);
    expect(pending[0].reason).toContain('not yet on branch "main"');
    expect(await bare('frozen', 'ls-tree', '--name-only', 'main')).not.toContain('app');
    await rm(flag);
    // No ref changed since: the pending publish alone makes the next sync run, complete it and read the branch.
    expect(await sync('frozen')).toMatchObject({ ran: true, state: 'Ready', completedPublishes: 0 });
    expect(await bare('frozen', 'ls-tree', '--name-only', 'main')).toContain('app');
    const state = await syncState('frozen');
    expect(state.skipped.filter((s: { publish?: unknown }) => s.publish)).toEqual([]);
    expect(state.commit_hash).toBe(await bare('frozen', 'rev-parse', 'main'));
    expect(await row('frozen.app.main')).toMatchObject({ revision: -1, lifecycle: 'Published' });
    await expectConverged('frozen');
  });
});
