/**
 * The service process is killed (SIGKILL) while approvals are in flight, then started again; the clients retry
 * their approvals and a sync runs. Afterwards, for every package: git's tags are exactly the Published revisions
 * with exactly their files, numbers are contiguous, one latest, the branch holds every latest revision, and
 * `git fsck --strict` is clean.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getResources } from '../../lib/storage/resources.js';
import { syncRepository } from '../../lib/sync/sync-repository.js';
import { createHarness, NS, PR, newRevision, withLifecycle, type Harness } from '../api/harness.js';
import { send } from '../local/http-client.js';
import { git } from '../support/git-fixtures.js';
import { countingDeps } from '../sync/support/sync-harness.js';

let h: Harness;
const children: ChildProcess[] = [];
const PACKAGES = ['alpha', 'beta', 'gamma', 'delta'];
const WORKSPACES = ['w1', 'w2', 'w3'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  h = await createHarness();
  await h.addRepository('crashy');
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await h?.close();
});

/** Starts the local server (the service as `npm start` runs it) on this test's database; answers its URL. */
function startService(): Promise<{ child: ChildProcess; url: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: h.tdb.url,
    PORT: '0',
    SYNC_INTERVAL_SECONDS: '3600',
    LOCAL_USER: 'approver',
  };
  delete env.API_TOKEN;
  const child = spawn(process.execPath, ['--import', 'tsx', 'lib/local/main.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the service did not start')), 60_000);
    createInterface({ input: child.stdout! }).on('line', (text) => {
      if (!text.startsWith('{')) return;
      const line = JSON.parse(text);
      if (line.msg === 'listening') {
        clearTimeout(timer);
        resolve({ child, url: line.url });
      }
    });
  });
}

const json = (body: unknown) => ({
  method: 'PUT',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** A client's approval: read the revision, approve it, retry on 503 or a dropped connection, bounded. */
async function approveUntilDone(url: string, name: string): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      const current = await send(`${url}${PR}/${name}`);
      if (current.json?.spec?.lifecycle === 'Published') return 200;
      const res = await send(`${url}${PR}/${name}/approval`, json(withLifecycle(current.json, 'Published')));
      if (res.status === 200) return 200;
      expect([409, 503]).toContain(res.status);
    } catch {
      // the connection dropped: try again
    }
    await sleep(100);
  }
  throw new Error(`approval of ${name} never succeeded`);
}

const bare = (...args: string[]) => git(h.repos.crashy!.bareDir, ...args);

describe('the service killed during approvals', () => {
  it('converges: git tags ⇔ Published revisions with their files, contiguous numbers, the branch holds the latest', async () => {
    const names: string[] = [];
    const propose = async (pkg: string, ws: string, extra: Record<string, unknown> = {}) => {
      const created = await h.call('POST', PR, { body: newRevision('crashy', pkg, ws, extra) });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const res = await h.call('PUT', `${PR}/${created.body.metadata.name}`, {
        body: withLifecycle(created.body, 'Proposed'),
      });
      expect(res.status).toBe(200);
      return res.body;
    };
    for (const pkg of PACKAGES) {
      // Revision 1 of each package is published before the crash; w2 and w3 are edits of it (with other files).
      const one = await propose(pkg, 'w1');
      expect(
        (await h.call('PUT', `${PR}/${one.metadata.name}/approval`, { body: withLifecycle(one, 'Published') })).status,
      ).toBe(200);
      for (const ws of WORKSPACES.slice(1)) {
        const obj = await propose(pkg, ws, {
          spec: { tasks: [{ type: 'edit', edit: { sourceRef: { name: one.metadata.name } } }] },
        });
        names.push(obj.metadata.name);
      }
    }
    // The edits differ in their files, so every revision is distinct in git.
    for (const name of names) {
      await h.tdb.db.query(
        `insert into resources (namespace, package_revision, path, content) values ($1, $2, 'ws.yaml', $3)`,
        [NS, name, `workspace: ${name}\n`],
      );
    }
    const first = await startService();
    const inFlight = names.map((name) =>
      send(`${first.url}${PR}/${name}`).then((r) =>
        send(`${first.url}${PR}/${name}/approval`, json(withLifecycle(r.json, 'Published'))),
      ),
    );
    await Promise.race(inFlight); // one approval is through: the others are pushing, writing or waiting
    first.child.kill('SIGKILL');
    await Promise.allSettled(inFlight);
    const second = await startService();
    const results = await Promise.all(names.map((name) => approveUntilDone(second.url, name)));
    expect(results.every((s) => s === 200)).toBe(true);
    second.child.kill('SIGKILL');
    expect(await syncRepository(h.tdb.db, NS, 'crashy', countingDeps().deps)).toMatchObject({ state: 'Ready' });

    await bare('fsck', '--strict', '--no-dangling');
    const tags = (await bare('tag', '-l')).split('\n').filter(Boolean).sort();
    const { rows } = await h.tdb.db.query(
      `select name, package_path, revision, lifecycle, latest from package_revisions
        where namespace = $1 and repository = 'crashy' and revision > 0 order by package_path, revision`,
      [NS],
    );
    expect(rows.every((r) => r.lifecycle === 'Published')).toBe(true);
    expect(rows.map((r) => `${r.package_path}/v${r.revision}`).sort()).toEqual(tags);
    for (const pkg of PACKAGES) {
      const mine = rows.filter((r) => r.package_path === pkg);
      expect(mine.map((r) => r.revision)).toEqual([1, 2, 3]);
      expect(mine.filter((r) => r.latest).map((r) => r.revision)).toEqual([3]);
      for (const r of mine) {
        const files = await getResources(h.tdb.db, NS, r.name);
        const inGit = (await bare('ls-tree', '-r', '--name-only', `${pkg}/v${r.revision}`, `${pkg}/`))
          .split('\n')
          .filter(Boolean)
          .map((p) => p.slice(pkg.length + 1))
          .sort();
        expect(inGit).toEqual(Object.keys(files).sort());
        for (const [path, content] of Object.entries(files)) {
          expect(await bare('show', `${pkg}/v${r.revision}:${pkg}/${path}`)).toBe(content.replace(/\n$/, ''));
        }
      }
      expect(await bare('rev-parse', `main:${pkg}`)).toBe(await bare('rev-parse', `${pkg}/v3:${pkg}`));
    }
  }, 120_000);

  it('lives through its database connections being killed: the next requests are answered', async () => {
    const service = await startService();
    const list = () => send(`${service.url}${PR}`).then((r) => r.status);
    expect(await list()).toBe(200);
    // Kill every connection the service holds, idle or busy, a few times over while requests run.
    for (let round = 0; round < 3; round++) {
      const load = Promise.all(Array.from({ length: 5 }, list));
      await h.tdb.db.query(
        `select pg_terminate_backend(pid) from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and application_name <> 'porch-sync-lock'`,
      );
      for (const status of await load) expect([200, 503]).toContain(status);
    }
    expect(await list()).toBe(200);
    expect(service.child.exitCode).toBeNull();
    service.child.kill('SIGKILL');
  }, 60_000);
});
