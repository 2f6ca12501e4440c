/**
 * A client nobody here wrote: the informer of @kubernetes/client-node lists, then watches packagerevisions, and must
 * see every change the API and a sync make, and recover from a compacted version (410) by listing again.
 */
import * as k8s from '@kubernetes/client-node';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLocalHandlers } from '../../lib/local/handlers.js';
import { startLocalServer, type LocalServer } from '../../lib/local/server.js';
import { compactChangeLog } from '../../lib/storage/change-log-state.js';
import { syncRepository } from '../../lib/sync/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createFixtureRepo, type FixtureRepo } from '../support/git-fixtures.js';
import { startGitServer, type GitServer } from '../support/git-server.js';
import { send } from '../local/http-client.js';

// The server ends every watch after 2 s, as a Lambda stream ends: the informer re-watches from its version.
vi.stubEnv('WATCH_MAX_SECONDS', '2');

let tdb: TestDatabase;
let git: GitServer;
let fixture: FixtureRepo;
let server: LocalServer;
let dir: string;
let informer: k8s.Informer<k8s.KubernetesObject> & k8s.ObjectCache<k8s.KubernetesObject>;
const seen: string[] = [];
let lists = 0;

const ns = 'default';
async function call(method: string, path: string, body?: unknown) {
  const res = await send(`${server.url}${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
  expect(res.status, `${method} ${path}: ${res.text}`).toBeLessThan(300);
  return res.json;
}
const pr = (name = '') => `/apis/porch.kpt.dev/v1alpha1/namespaces/${ns}/packagerevisions${name ? `/${name}` : ''}`;

async function until(what: string, done: () => boolean, timeoutMs = 15_000) {
  const stop = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > stop) throw new Error(`${what}: not seen; informer saw ${JSON.stringify(seen)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'porch-informer-'));
  fixture = await createFixtureRepo(join(dir, 'git'), 'blueprints');
  git = await startGitServer(join(dir, 'git'));
  const handlers = createLocalHandlers({
    database: async () => tdb.db,
    log: () => undefined,
    requestSync: async (namespace, name) => void (await syncRepository(tdb.db, namespace, name)),
  });
  server = await startLocalServer({ port: 0, handlers, user: 'me', maxBodyBytes: 1 << 20, log: () => undefined });
  await call('POST', `/apis/config.porch.kpt.dev/v1alpha1/namespaces/${ns}/repositories`, {
    metadata: { name: 'blueprints' },
    spec: { git: { repo: `${git.url}/blueprints.git` } },
  });

  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'local', server: server.url, skipTLSVerify: true }],
    users: [{ name: 'me' }],
    contexts: [{ name: 'local', cluster: 'local', user: 'me' }],
    currentContext: 'local',
  });
  const api = kc.makeApiClient(k8s.CustomObjectsApi);
  const list = () => {
    lists++;
    return api.listNamespacedCustomObject({
      group: 'porch.kpt.dev',
      version: 'v1alpha1',
      namespace: ns,
      plural: 'packagerevisions',
    }) as Promise<k8s.KubernetesListObject<k8s.KubernetesObject>>;
  };
  informer = k8s.makeInformer(kc, pr(), list);
  const record = (type: string) => (o: k8s.KubernetesObject) =>
    void seen.push(`${type} ${o.metadata?.name} ${(o as { spec?: { lifecycle?: string } }).spec?.lifecycle}`);
  informer.on('add', record('add'));
  informer.on('update', record('update'));
  informer.on('delete', record('delete'));
  await informer.start();
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await informer?.stop();
  await server?.close();
  await git?.stop();
  await tdb?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('an informer from @kubernetes/client-node', () => {
  it('sees creates, propose, approve and delete as ADDED, MODIFIED and DELETED', async () => {
    const draft = await call('POST', pr(), {
      spec: { repository: 'blueprints', packageName: 'app', workspaceName: 'ws1', tasks: [{ type: 'init', init: {} }] },
    });
    const name = draft.metadata.name;
    await until('add', () => seen.includes(`add ${name} Draft`));
    const proposed = await call('PUT', pr(name), { ...draft, spec: { ...draft.spec, lifecycle: 'Proposed' } });
    await until('propose', () => seen.includes(`update ${name} Proposed`));
    await call('PUT', `${pr(name)}/approval`, { ...proposed, spec: { ...proposed.spec, lifecycle: 'Published' } });
    await until('approve', () => seen.includes(`update ${name} Published`));
    // The publish also added the package's placeholder revision (the branch).
    await until('placeholder', () => seen.includes('add blueprints.app.main Published'));

    const other = await call('POST', pr(), {
      spec: { repository: 'blueprints', packageName: 'tmp', workspaceName: 'ws1', tasks: [{ type: 'init', init: {} }] },
    });
    await until('second add', () => seen.includes(`add ${other.metadata.name} Draft`));
    await call('DELETE', pr(other.metadata.name));
    await until('delete', () => seen.includes(`delete ${other.metadata.name} Draft`));
    expect(informer.get(name, ns)).toMatchObject({ spec: { lifecycle: 'Published', revision: 1 } });
    expect(informer.get(other.metadata.name, ns)).toBeUndefined();
  });

  it('sees a revision a sync imports from git', async () => {
    await fixture.publishLikePorch({
      fullpath: 'imported',
      workspace: 'v1',
      revision: 1,
      task: { type: 'init', init: {} },
    });
    await fixture.push();
    const result = await syncRepository(tdb.db, ns, 'blueprints');
    expect(result).toMatchObject({ ran: true, state: 'Ready' });
    await until('import', () => seen.includes('add blueprints.imported.v1 Published'));
  });

  it('recovers from a compacted version (410) by listing again, and goes on following changes', async () => {
    const before = lists;
    // A change elsewhere, then compaction past it: the informer's version is now older than the log.
    await call('POST', `/apis/config.porch.kpt.dev/v1alpha1/namespaces/elsewhere/repositories`, {
      metadata: { name: 'other' },
      spec: { git: { repo: `${git.url}/blueprints.git` } },
    });
    await compactChangeLog(tdb.db, { retentionSeconds: 0, relayGraceSeconds: 0 });
    await until('relist', () => lists > before, 10_000);
    const after = await call('POST', pr(), {
      spec: {
        repository: 'blueprints',
        packageName: 'late',
        workspaceName: 'ws1',
        tasks: [{ type: 'init', init: {} }],
      },
    });
    await until('add after relist', () => seen.includes(`add ${after.metadata.name} Draft`));
    expect(informer.list(ns).map((o) => o.metadata?.name)).toContain('blueprints.imported.v1');
  });
});
