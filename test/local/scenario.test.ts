import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { createLocalHandlers } from '../../lib/local/handlers.js';
import { createSelfSignedCertificate } from '../../lib/local/self-signed.js';
import { startLocalServer, type LocalServer } from '../../lib/local/server.js';
import { syncRepository } from '../../lib/sync/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { hasKubectl, runKubectl, writeKubeconfig } from '../support/kubectl.js';
import { createFixtureRepo, lsRemote } from '../support/git-fixtures.js';
import { startGitServer, type GitServer } from '../support/git-server.js';
import { send } from './http-client.js';

const TOKEN = 'scenario-token';
const tls = createSelfSignedCertificate();

let tdb: TestDatabase;
let git: GitServer;
let server: LocalServer;
let dir: string;

beforeAll(async () => {
  tdb = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'porch-scenario-'));
  await createFixtureRepo(join(dir, 'git'), 'http-repo');
  await createFixtureRepo(join(dir, 'git'), 'kube-repo');
  git = await startGitServer(join(dir, 'git'));
  // The sync runs to its end before the 201, so the scenario needs no polling.
  const handlers = createLocalHandlers({
    database: async () => tdb.db,
    log: () => undefined,
    requestSync: async (ns, name) => void (await syncRepository(tdb.db, ns, name)),
  });
  server = await startLocalServer({
    port: 0,
    handlers,
    user: 'walker',
    maxBodyBytes: 1 << 20,
    log: () => undefined,
    apiToken: TOKEN,
    tls,
  });
  await writeFile(join(dir, 'ca.pem'), tls.cert);
});
afterAll(async () => {
  await server?.close();
  await git?.stop();
  await tdb?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const tags = async (repo: string) =>
  Object.keys(await lsRemote(dir, `${git.url}/${repo}.git`)).filter((r) => r.startsWith('refs/tags/'));

describe('the README scenario over real HTTPS', () => {
  const api = (path: string) => `${server.url}/apis/${path}`;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await send(api(path), {
      method,
      ca: tls.cert,
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    });
    expect(res.status, `${method} ${path}: ${res.text}`).toBeLessThan(300);
    return res.json;
  };
  const ns = 'porch.kpt.dev/v1alpha1/namespaces/default';

  it('registers, drafts, edits, proposes, approves (tag in git) and copies into revision 2', async () => {
    const repo = await call('POST', 'config.porch.kpt.dev/v1alpha1/namespaces/default/repositories', {
      metadata: { name: 'http-repo' },
      spec: { git: { repo: `${git.url}/http-repo.git` } },
    });
    expect(repo.metadata.name).toBe('http-repo');
    const ready = await call('GET', 'config.porch.kpt.dev/v1alpha1/namespaces/default/repositories/http-repo');
    expect(ready.status.conditions[0]).toMatchObject({ type: 'Ready', status: 'True' });

    const draft = await call('POST', `${ns}/packagerevisions`, {
      spec: {
        repository: 'http-repo',
        packageName: 'net/vpc',
        workspaceName: 'v1',
        tasks: [{ type: 'init', init: { description: 'VPC' } }],
      },
    });
    const name = draft.metadata.name;
    expect(name).toBe('http-repo.net.vpc.v1');
    const prr = await call('GET', `${ns}/packagerevisionresources/${name}`);
    prr.spec.resources['vpc.yaml'] = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: vpc\n';
    await call('PUT', `${ns}/packagerevisionresources/${name}`, prr);
    const proposed = await call('PUT', `${ns}/packagerevisions/${name}`, {
      ...(await call('GET', `${ns}/packagerevisions/${name}`)),
      spec: { ...draft.spec, lifecycle: 'Proposed' },
    });
    const published = await call('PUT', `${ns}/packagerevisions/${name}/approval`, {
      ...proposed,
      spec: { ...proposed.spec, lifecycle: 'Published' },
    });
    expect(published.spec).toMatchObject({ lifecycle: 'Published', revision: 1 });
    expect(published.status.publishedBy).toBe('walker');
    expect(await tags('http-repo')).toEqual(['refs/tags/net/vpc/v1']);

    const copy = await call('POST', `${ns}/packagerevisions`, {
      spec: {
        repository: 'http-repo',
        packageName: 'net/vpc',
        workspaceName: 'v2',
        tasks: [{ type: 'edit', edit: { sourceRef: { name } } }],
      },
    });
    const copied = await call('GET', `${ns}/packagerevisionresources/${copy.metadata.name}`);
    expect(copied.spec.resources['vpc.yaml']).toContain('name: vpc');
    const p2 = await call('PUT', `${ns}/packagerevisions/${copy.metadata.name}`, {
      ...copy,
      spec: { ...copy.spec, lifecycle: 'Proposed' },
    });
    const r2 = await call('PUT', `${ns}/packagerevisions/${copy.metadata.name}/approval`, {
      ...p2,
      spec: { ...p2.spec, lifecycle: 'Published' },
    });
    expect(r2.spec.revision).toBe(2);
    expect(r2.metadata.labels['kpt.dev/latest-revision']).toBe('true');
    expect((await tags('http-repo')).sort()).toEqual(['refs/tags/net/vpc/v1', 'refs/tags/net/vpc/v2']);
  });
});

describe.skipIf(!hasKubectl)('the README scenario with kubectl', () => {
  const kubectl = async (...args: string[]) => {
    const { stdout, stderr, code } = await runKubectl(dir, ...args);
    if (code !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${stderr}`);
    return stdout;
  };

  it('registers, drafts, edits, proposes, approves, copies, and deletes a published revision', async () => {
    await writeKubeconfig(dir, {
      server: server.url,
      certificateAuthority: join(dir, 'ca.pem'),
      namespace: 'default',
      users: [{ name: 'local', token: TOKEN }],
    });
    const file = async (name: string, obj: unknown) => {
      await writeFile(join(dir, name), YAML.stringify(obj));
      return join(dir, name);
    };
    await kubectl(
      'create',
      '-f',
      await file('repo.yaml', {
        apiVersion: 'config.porch.kpt.dev/v1alpha1',
        kind: 'Repository',
        metadata: { name: 'kube-repo' },
        spec: { git: { repo: `${git.url}/kube-repo.git` } },
      }),
    );
    expect(await kubectl('get', 'repo', 'kube-repo')).toMatch(/kube-repo\s+git\s+Package\s+false\s+True/);
    const pr = (ws: string, task: unknown) => ({
      apiVersion: 'porch.kpt.dev/v1alpha1',
      kind: 'PackageRevision',
      metadata: { name: 'ignored' },
      spec: { repository: 'kube-repo', packageName: 'apps/web', workspaceName: ws, tasks: [task] },
    });
    expect(
      await kubectl(
        'create',
        '-f',
        await file('draft.yaml', pr('first', { type: 'init', init: { description: 'web' } })),
      ),
    ).toMatch(/kube-repo.apps.web.first created/);
    const prr = YAML.parse(await kubectl('get', 'packagerevisionresources', 'kube-repo.apps.web.first', '-o', 'yaml'));
    prr.spec.resources['deploy.yaml'] = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n';
    await kubectl('replace', '-f', await file('prr.yaml', prr));
    await kubectl(
      'patch',
      'packagerevision',
      'kube-repo.apps.web.first',
      '--type',
      'merge',
      '-p',
      '{"spec":{"lifecycle":"Proposed"}}',
    );
    await kubectl(
      'patch',
      'packagerevision',
      'kube-repo.apps.web.first',
      '--subresource=approval',
      '--type',
      'merge',
      '-p',
      '{"spec":{"lifecycle":"Published"}}',
    );
    expect(await kubectl('get', 'packagerevisions')).toMatch(
      /^kube-repo\.apps\.web\.first\s+apps\/web\s+first\s+1\s+true\s+Published\s+kube-repo$/m,
    );
    expect(await tags('kube-repo')).toEqual(['refs/tags/apps/web/v1']);

    await kubectl(
      'create',
      '-f',
      await file(
        'copy.yaml',
        pr('second', { type: 'edit', edit: { sourceRef: { name: 'kube-repo.apps.web.first' } } }),
      ),
    );
    await kubectl(
      'patch',
      'packagerevision',
      'kube-repo.apps.web.second',
      '--type',
      'merge',
      '-p',
      '{"spec":{"lifecycle":"Proposed"}}',
    );
    await kubectl(
      'patch',
      'packagerevision',
      'kube-repo.apps.web.second',
      '--subresource=approval',
      '--type',
      'merge',
      '-p',
      '{"spec":{"lifecycle":"Published"}}',
    );
    const v2 = YAML.parse(await kubectl('get', 'packagerevision', 'kube-repo.apps.web.second', '-o', 'yaml'));
    expect(v2.spec.revision).toBe(2);
    expect(await kubectl('get', 'packages')).toMatch(/^kube-repo\.apps\.web\s+web\s+kube-repo\s+2$/m);

    await kubectl(
      'patch',
      'packagerevision',
      'kube-repo.apps.web.first',
      '--type',
      'merge',
      '-p',
      '{"spec":{"lifecycle":"DeletionProposed"}}',
    );
    expect(await kubectl('delete', 'packagerevision', 'kube-repo.apps.web.first')).toMatch(/deleted/);
    expect(await tags('kube-repo')).toEqual(['refs/tags/apps/web/v2']);
  });
});
