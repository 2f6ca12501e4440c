import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasKubectl, startKubectlEnv, type KubectlEnv } from '../dryrun/kubectl-env.js';

let env: KubectlEnv;
const repo = (description: string) => ({
  apiVersion: 'config.porch.kpt.dev/v1alpha1',
  kind: 'Repository',
  metadata: { name: 'blueprints', namespace: 'team' },
  spec: { description, git: { repo: 'https://git.example.test/blueprints.git' } },
});
const revision = (labels: Record<string, string>) => ({
  apiVersion: 'porch.kpt.dev/v1alpha1',
  kind: 'PackageRevision',
  metadata: { name: 'blueprints.net.ws1', namespace: 'team', labels },
  spec: { repository: 'blueprints', packageName: 'net', workspaceName: 'ws1' },
});
const getJson = async (...args: string[]) => JSON.parse((await env.kubectl('get', ...args, '-o', 'json')).stdout);

describe.skipIf(!hasKubectl)('kubectl apply --server-side', () => {
  beforeAll(async () => {
    env = await startKubectlEnv();
  });
  afterAll(async () => env?.close());

  it('creates, then updates, a Repository', async () => {
    const created = await env.kubectl('apply', '--server-side', '-f', await env.manifest('r1.yaml', repo('one')));
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('repository.config.porch.kpt.dev/blueprints serverside-applied');
    const updated = await env.kubectl('apply', '--server-side', '-f', await env.manifest('r2.yaml', repo('two')));
    expect(updated.code, updated.stderr).toBe(0);
    const live = await getJson('repository', 'blueprints', '--show-managed-fields');
    expect(live.spec.description).toBe('two');
    expect(live.metadata.managedFields).toMatchObject([{ manager: 'kubectl', operation: 'Apply' }]);
  });

  it('creates, then updates, a PackageRevision', async () => {
    const created = await env.kubectl(
      'apply',
      '--server-side',
      '-f',
      await env.manifest('p1.yaml', revision({ tier: 'gold' })),
    );
    expect(created.code, created.stderr).toBe(0);
    const updated = await env.kubectl(
      'apply',
      '--server-side',
      '-f',
      await env.manifest('p2.yaml', revision({ tier: 'silver' })),
    );
    expect(updated.code, updated.stderr).toBe(0);
    expect((await getJson('packagerevision', 'blueprints.net.ws1')).metadata.labels).toEqual({ tier: 'silver' });
  });

  it('a second field manager conflicts unless it forces', async () => {
    const file = await env.manifest('r3.yaml', repo('three'));
    const conflict = await env.kubectl('apply', '--server-side', '--field-manager=other', '-f', file);
    expect(conflict.code).not.toBe(0);
    expect(conflict.stderr).toContain('Apply failed with 1 conflict: conflict with "kubectl": .spec.description');
    expect((await getJson('repository', 'blueprints')).spec.description).toBe('two');
    const forced = await env.kubectl(
      'apply',
      '--server-side',
      '--field-manager=other',
      '--force-conflicts',
      '-f',
      file,
    );
    expect(forced.code, forced.stderr).toBe(0);
    expect((await getJson('repository', 'blueprints')).spec.description).toBe('three');
  });
});
