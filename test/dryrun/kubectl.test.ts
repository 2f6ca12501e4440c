import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseRows } from './snapshot.js';
import { hasKubectl, startKubectlEnv, type KubectlEnv } from './kubectl-env.js';

let env: KubectlEnv;
const repo = (description: string) => ({
  apiVersion: 'config.porch.kpt.dev/v1alpha1',
  kind: 'Repository',
  metadata: { name: 'blueprints', namespace: 'team' },
  spec: { description, git: { repo: 'https://git.example.test/blueprints.git' } },
});

/** Runs a kubectl command that must leave every row as it was and start no sync. */
async function changesNothing(...args: string[]) {
  const before = await databaseRows(env.tdb.db);
  const syncs = env.syncRequests.length;
  const result = await env.kubectl(...args);
  expect(await databaseRows(env.tdb.db)).toEqual(before);
  expect(env.syncRequests.length).toBe(syncs);
  return result;
}

describe.skipIf(!hasKubectl)('kubectl --dry-run=server and kubectl diff change nothing', () => {
  beforeAll(async () => {
    env = await startKubectlEnv();
  });
  afterAll(async () => env?.close());

  it('kubectl create --dry-run=server prints the object and stores nothing', async () => {
    const file = await env.manifest('repo.yaml', repo('first'));
    const res = await changesNothing('create', '--dry-run=server', '-f', file, '-o', 'json');
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ kind: 'Repository', spec: { description: 'first' } });
    expect((await env.kubectl('get', 'repositories', '-o', 'name')).stdout.trim()).toBe('');
    expect((await env.kubectl('create', '-f', file)).code).toBe(0);
  });

  it('kubectl patch --dry-run=server answers the patched object and keeps the stored one', async () => {
    const res = await changesNothing(
      'patch',
      'repository',
      'blueprints',
      '--type',
      'merge',
      '-p',
      '{"spec":{"description":"patched"}}',
      '--dry-run=server',
      '-o',
      'json',
    );
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout).spec.description).toBe('patched');
  });

  it('kubectl diff shows the change and makes none (client-side and --server-side)', async () => {
    const file = await env.manifest('repo-changed.yaml', repo('changed'));
    const res = await changesNothing('diff', '-f', file);
    expect(res.code, res.stderr).toBe(1); // 1: differences found
    expect(res.stdout).toMatch(/-\s+description: first/);
    expect(res.stdout).toMatch(/\+\s+description: changed/);
    const ssa = await changesNothing('diff', '--server-side', '--force-conflicts', '-f', file);
    expect(ssa.code, ssa.stderr).toBe(1);
    expect(ssa.stdout).toMatch(/\+\s+description: changed/);
  });

  it('kubectl delete --dry-run=server keeps the Repository', async () => {
    const res = await changesNothing('delete', 'repository', 'blueprints', '--dry-run=server');
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('deleted (server dry run)');
    expect((await env.kubectl('get', 'repository', 'blueprints', '-o', 'name')).code).toBe(0);
  });
});
