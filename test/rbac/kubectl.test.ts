import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { parseTokenFile } from '../../lib/auth/token-file.js';
import type { LocalServer } from '../../lib/local/server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { hasKubectl, runKubectl, startKubectlServer, writeKubeconfig } from '../support/kubectl.js';

let tdb: TestDatabase;
let server: LocalServer;
let dir: string;

/** Runs kubectl as `user` (a context of the kubeconfig). */
const kubectl = (user: string, ...args: string[]) => runKubectl(dir, '--context', user, ...args);

const TOKENS = 'admin-token,admin,1,system:masters\nalice-token,alice,2,"team-a-editors,staff"\n';

describe.skipIf(!hasKubectl)('kubectl auth and RBAC commands against the local server (token file)', () => {
  beforeAll(async () => {
    tdb = await createTestDatabase();
    ({ server, dir } = await startKubectlServer(tdb.db, 'porch-kubectl-rbac-', {
      user: 'owner',
      tokens: parseTokenFile(TOKENS, 'tokens.csv'),
    }));
    await writeKubeconfig(dir, {
      server: server.url,
      certificateAuthority: join(dir, 'ca.pem'),
      namespace: 'team-a',
      users: ['admin', 'alice'].map((name) => ({ name, token: `${name}-token` })),
      current: 'alice',
    });
    await writeFile(
      join(dir, 'rbac.yaml'),
      YAML.stringify({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'package-editor' },
        rules: [
          {
            apiGroups: ['porch.kpt.dev'],
            resources: ['packagerevisions', 'packagerevisionresources'],
            verbs: ['get', 'list', 'create', 'update', 'patch'],
          },
        ],
      }),
    );
  });
  afterAll(async () => {
    await server?.close();
    await tdb?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('kubectl auth whoami names the token file user and groups', async () => {
    const { stdout, stderr, code } = await kubectl('alice', 'auth', 'whoami', '-o', 'json');
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout).status.userInfo).toEqual({
      username: 'alice',
      uid: '2',
      groups: ['team-a-editors', 'staff', 'system:authenticated'],
    });
  });

  it('kubectl auth can-i says no before a binding and yes after kubectl apply and kubectl create rolebinding', async () => {
    const before = await kubectl('alice', 'auth', 'can-i', 'create', 'packagerevisions', '-n', 'team-a');
    expect(before.stdout.trim()).toBe('no');
    expect(before.code).toBe(1);
    const applied = await kubectl('admin', 'apply', '-f', join(dir, 'rbac.yaml'));
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('clusterrole.rbac.authorization.k8s.io/package-editor created');
    const reapplied = await kubectl('admin', 'apply', '-f', join(dir, 'rbac.yaml'));
    expect(reapplied.code, reapplied.stderr).toBe(0);
    expect(reapplied.stdout).toContain('unchanged');
    const yaml = join(dir, 'rbac.yaml');
    const doc = YAML.parse(await readFile(yaml, 'utf8'));
    doc.rules[0].verbs.push('delete');
    await writeFile(yaml, YAML.stringify(doc));
    const changed = await kubectl('admin', 'apply', '-f', yaml);
    expect(changed.stdout, changed.stderr).toContain('clusterrole.rbac.authorization.k8s.io/package-editor configured');
    const stored = JSON.parse((await kubectl('admin', 'get', 'clusterrole', 'package-editor', '-o', 'json')).stdout);
    expect(stored.rules[0].verbs).toContain('delete');
    const bound = await kubectl(
      'admin',
      'create',
      'rolebinding',
      'editors',
      '--clusterrole=package-editor',
      '--group=team-a-editors',
      '-n',
      'team-a',
    );
    expect(bound.code, bound.stderr).toBe(0);
    expect(bound.stdout).toContain('rolebinding.rbac.authorization.k8s.io/editors created');
    const after = await kubectl('alice', 'auth', 'can-i', 'create', 'packagerevisions', '-n', 'team-a');
    expect(after.stdout.trim(), after.stderr).toBe('yes');
    const elsewhere = await kubectl('alice', 'auth', 'can-i', 'create', 'packagerevisions', '-n', 'team-b');
    expect(elsewhere.stdout.trim()).toBe('no');
    const approve = await kubectl('alice', 'auth', 'can-i', 'update', 'packagerevisions', '--subresource=approval');
    expect(approve.stdout.trim()).toBe('no');
  });

  it('kubectl get rolebindings and kubectl create role work unchanged', async () => {
    const role = await kubectl(
      'admin',
      'create',
      'role',
      'approver',
      '--verb=update',
      '--resource=packagerevisions/approval',
      '-n',
      'team-a',
    );
    expect(role.code, role.stderr).toBe(0);
    const got = await kubectl('admin', 'get', 'role', 'approver', '-n', 'team-a', '-o', 'json');
    expect(JSON.parse(got.stdout).rules).toEqual([
      { apiGroups: ['porch.kpt.dev'], resources: ['packagerevisions/approval'], verbs: ['update'] },
    ]);
    const { stdout, code, stderr } = await kubectl('alice', 'get', 'rolebindings', '-n', 'team-a');
    expect(code).toBe(1);
    expect(stderr).toContain(
      'cannot list resource "rolebindings" in API group "rbac.authorization.k8s.io" in the namespace "team-a"',
    );
    const listed = await kubectl('admin', 'get', 'rolebindings', '-n', 'team-a');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/editors\s+ClusterRole\/package-editor/);
    expect(stdout).toBe('');
  });

  it('kubectl auth can-i --list shows the rules held in the namespace', async () => {
    const { stdout, code, stderr } = await kubectl('alice', 'auth', 'can-i', '--list', '-n', 'team-a');
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/packagerevisions\.porch\.kpt\.dev\s+\[\]\s+\[\]\s+\[get list create update patch delete\]/);
    expect(stdout).toContain('selfsubjectaccessreviews.authorization.k8s.io');
  });
});
