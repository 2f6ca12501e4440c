import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { LocalServer } from '../../lib/local/server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { hasKubectl, runKubectl, startKubectlServer, writeKubeconfig } from '../support/kubectl.js';

let tdb: TestDatabase;
let server: LocalServer;
let dir: string;

const kubectl = (...args: string[]) => runKubectl(dir, ...args);

describe.skipIf(!hasKubectl)('kubectl against the local server (HTTPS + token)', () => {
  beforeAll(async () => {
    tdb = await createTestDatabase();
    ({ server, dir } = await startKubectlServer(tdb.db, 'porch-kubectl-', { user: 'kube-user', apiToken: 'tok' }));
    await writeKubeconfig(dir, {
      server: server.url,
      certificateAuthority: join(dir, 'ca.pem'),
      namespace: 'team',
      users: [{ name: 'me', token: 'tok' }],
    });
    await writeFile(
      join(dir, 'repo.yaml'),
      'apiVersion: config.porch.kpt.dev/v1alpha1\nkind: Repository\nmetadata:\n  name: blueprints\nspec:\n  git:\n    repo: https://git.example.test/blueprints.git\n    directory: pkgs\n',
    );
  });
  afterAll(async () => {
    await server?.close();
    await tdb?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('lists our resources in api-resources', async () => {
    const { stdout, code } = await kubectl('api-resources');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^repositories\s+repo\s+config\.porch\.kpt\.dev\/v1alpha1\s+true\s+Repository$/m);
    for (const kind of ['PackageRevision', 'PackageRevisionResources', 'PorchPackage']) expect(stdout).toContain(kind);
  });

  it('creates, gets (table and yaml), replaces and deletes a repository', async () => {
    expect((await kubectl('create', '-f', join(dir, 'repo.yaml'))).stdout).toMatch(
      /repository.config.porch.kpt.dev\/blueprints created/,
    );
    const table = await kubectl('get', 'repositories');
    expect(table.stdout).toMatch(
      /^NAME\s+TYPE\s+CONTENT\s+SYNC SCHEDULE\s+DEPLOYMENT\s+READY\s+ADDRESS\s+BRANCH\s+AGE$/m,
    );
    expect(table.stdout).toMatch(
      /^blueprints\s+git\s+Package\s+false\s+False\s+https:\/\/git\.example\.test\/blueprints\.git\s+main\s+\d+s$/m,
    );
    const yaml = await kubectl('get', 'repo', 'blueprints', '-o', 'yaml');
    const obj = YAML.parse(yaml.stdout);
    expect(obj).toMatchObject({
      kind: 'Repository',
      metadata: { name: 'blueprints', namespace: 'team' },
      spec: { git: { branch: 'main' } },
    });

    obj.spec.description = 'replaced';
    await writeFile(join(dir, 'replace.yaml'), YAML.stringify(obj));
    expect((await kubectl('replace', '-f', join(dir, 'replace.yaml'))).stdout).toMatch(/replaced/);
    const stale = await kubectl('replace', '-f', join(dir, 'replace.yaml'));
    expect(stale.code).not.toBe(0);
    expect(stale.stderr).toMatch(/the object has been modified/);

    const current = YAML.parse((await kubectl('get', 'repo', 'blueprints', '-o', 'yaml')).stdout);
    expect(current.spec.description).toBe('replaced');
    current.spec.git.repo = 'https://elsewhere.test/x.git';
    await writeFile(join(dir, 'immutable.yaml'), YAML.stringify(current));
    const immutable = await kubectl('replace', '-f', join(dir, 'immutable.yaml'));
    expect(immutable.stderr).toMatch(/field is immutable/);

    expect((await kubectl('get', 'repositories', '-A')).stdout).toMatch(/^team\s+blueprints\s+git/m);
    expect((await kubectl('delete', 'repo', 'blueprints')).stdout).toMatch(/"blueprints" deleted/);
    expect((await kubectl('get', 'repositories')).stderr).toMatch(/No resources found/);
  });

  it('refuses an unknown field before anything is stored', async () => {
    await writeFile(
      join(dir, 'bad.yaml'),
      'apiVersion: config.porch.kpt.dev/v1alpha1\nkind: Repository\nmetadata: {name: bad}\nspec: {bogus: 1, git: {repo: "https://h/r.git"}}\n',
    );
    const res = await kubectl('create', '-f', join(dir, 'bad.yaml'));
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/unknown field "spec\.bogus"/);
    expect((await tdb.db.query('select count(*)::int as n from repositories')).rows[0].n).toBe(0);
  });

  it('gets packages as a table', async () => {
    const res = await kubectl('get', 'packages');
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/No resources found in team namespace/);
  });
});
