/**
 * Review proof: a server-side apply that creates its object is authorized only as `patch`; Kubernetes also requires
 * `create` then (an apply must not let a caller who may only patch bring objects into existence).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createWorld, RBAC, type World } from './support/world.js';

let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(async () => w?.close());

it('refuses an apply that would create a Repository to a caller without create', async () => {
  const admin = await w.token('root', ['system:masters']);
  const role = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'patcher', namespace: 'team-b' },
    rules: [{ apiGroups: ['config.porch.kpt.dev'], resources: ['repositories'], verbs: ['get', 'patch'] }],
  };
  const binding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'patchers', namespace: 'team-b' },
    subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'patchers' }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'patcher' },
  };
  expect((await w.call(admin, 'POST', `${RBAC}/namespaces/team-b/roles`, { body: role })).status).toBe(201);
  expect((await w.call(admin, 'POST', `${RBAC}/namespaces/team-b/rolebindings`, { body: binding })).status).toBe(201);
  const patcher = await w.token('pat', ['patchers']);
  const res = await w.call(patcher, 'PATCH', '/apis/config.porch.kpt.dev/v1alpha1/namespaces/team-b/repositories/new', {
    headers: { 'content-type': 'application/apply-patch+yaml' },
    query: { fieldManager: 'pat' },
    body: JSON.stringify({
      apiVersion: 'config.porch.kpt.dev/v1alpha1',
      kind: 'Repository',
      metadata: { name: 'new' },
      spec: { type: 'git', git: { repo: 'https://git.example.test/new.git', branch: 'main' } },
    }),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(403);
});
