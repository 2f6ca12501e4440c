/**
 * A server-side apply that creates its object needs `create` as well as `patch`, as Kubernetes requires (a caller
 * who may only patch must not bring objects into existence), and an apply naming a secret needs `get` on it like a
 * POST or PUT does (docs/dry-run-and-apply.md, docs/access-control.md "Credentials").
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createWorld, RBAC, userOf, type World } from './support/world.js';

const REPOS = '/apis/config.porch.kpt.dev/v1alpha1/namespaces/team-b/repositories';
const PRS = '/apis/porch.kpt.dev/v1alpha1/namespaces/team-b/packagerevisions';

let w: World;
let admin: string;
beforeAll(async () => {
  w = await createWorld();
  admin = await w.token('root', ['system:masters']);
});
afterAll(async () => w?.close());

/** A token for `sub`, bound in team-b to a role of `rules`. */
async function callerWith(sub: string, rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[]) {
  const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: sub }, rules };
  const binding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: sub },
    subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: sub }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: sub },
  };
  expect((await w.call(admin, 'POST', `${RBAC}/namespaces/team-b/roles`, { body: role })).status).toBe(201);
  expect((await w.call(admin, 'POST', `${RBAC}/namespaces/team-b/rolebindings`, { body: binding })).status).toBe(201);
  return w.token(sub, [sub]);
}

const apply = (token: string, path: string, config: object, query: Record<string, string> = {}) =>
  w.call(token, 'PATCH', path, {
    headers: { 'content-type': 'application/apply-patch+yaml' },
    query: { fieldManager: 'tester', ...query },
    body: JSON.stringify(config),
  });

const repository = (name: string, git: object) => ({
  apiVersion: 'config.porch.kpt.dev/v1alpha1',
  kind: 'Repository',
  metadata: { name },
  spec: { type: 'git', git: { branch: 'main', ...git } },
});

it('refuses an apply that would create a Repository or PackageRevision to a caller who may only patch', async () => {
  const patcher = await callerWith('patcher', [
    { apiGroups: ['config.porch.kpt.dev'], resources: ['repositories'], verbs: ['get', 'patch'] },
    { apiGroups: ['porch.kpt.dev'], resources: ['packagerevisions'], verbs: ['get', 'patch'] },
  ]);
  const before = await w.snapshot();
  const config = repository('new', { repo: 'https://git.example.test/new.git' });
  for (const query of [{}, { dryRun: 'All' }] as Record<string, string>[]) {
    const res = await apply(patcher, `${REPOS}/new`, config, query);
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    expect(res.body.message).toBe(
      `repositories.config.porch.kpt.dev "new" is forbidden: User "${userOf('patcher')}" cannot create resource "repositories" in API group "config.porch.kpt.dev" in the namespace "team-b"`,
    );
  }
  const revision = await apply(patcher, `${PRS}/blueprints.p.ws1`, {
    apiVersion: 'porch.kpt.dev/v1alpha1',
    kind: 'PackageRevision',
    spec: { repository: 'blueprints', packageName: 'p', workspaceName: 'ws1' },
  });
  expect(revision.status, JSON.stringify(revision.body)).toBe(403);
  expect(revision.body.message).toBe(
    `packagerevisions.porch.kpt.dev "blueprints.p.ws1" is forbidden: User "${userOf('patcher')}" cannot create resource "packagerevisions" in API group "porch.kpt.dev" in the namespace "team-b"`,
  );
  expect(await w.snapshot()).toBe(before);

  // Patch alone still changes an object that exists.
  const live = await w.call(admin, 'GET', `${REPOS}/blueprints`);
  const changed = await apply(patcher, `${REPOS}/blueprints`, {
    ...repository('blueprints', live.body.spec.git),
    spec: { ...live.body.spec, description: 'patched' },
  });
  expect(changed.status, JSON.stringify(changed.body)).toBe(200);
  expect(changed.body.spec.description).toBe('patched');
});

it('creates through apply for a caller who may create and patch', async () => {
  const maker = await callerWith('maker', [
    { apiGroups: ['config.porch.kpt.dev'], resources: ['repositories'], verbs: ['get', 'create', 'patch'] },
  ]);
  const res = await apply(maker, `${REPOS}/made`, repository('made', { repo: 'https://git.example.test/made.git' }));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
});

it('needs get on a secret that an apply names, creating or changing the object', async () => {
  const thief = await callerWith('applier', [
    { apiGroups: ['config.porch.kpt.dev'], resources: ['repositories'], verbs: ['get', 'create', 'patch'] },
    { apiGroups: ['porch.kpt.dev'], resources: ['packagerevisions'], verbs: ['get', 'create', 'patch'] },
  ]);
  const secret = { secretRef: { name: 'github' } };
  const denied = `secrets "github" is forbidden: User "${userOf('applier')}" cannot get resource "secrets" in API group "" in the namespace "team-b"`;
  const before = await w.snapshot();
  const live = await w.call(admin, 'GET', `${REPOS}/blueprints`);
  const attempts = [
    apply(thief, `${REPOS}/stolen`, repository('stolen', { repo: 'https://git.example.test/x.git', ...secret })),
    apply(thief, `${REPOS}/blueprints`, { ...repository('blueprints', { ...live.body.spec.git, ...secret }) }),
    apply(thief, `${PRS}/blueprints.stolen.ws1`, {
      apiVersion: 'porch.kpt.dev/v1alpha1',
      kind: 'PackageRevision',
      spec: {
        repository: 'blueprints',
        packageName: 'stolen',
        workspaceName: 'ws1',
        tasks: [
          {
            type: 'clone',
            clone: {
              upstreamRef: {
                type: 'git',
                git: { repo: 'https://git.example.test/x.git', ref: 'main', directory: '/', ...secret },
              },
            },
          },
        ],
      },
    }),
  ];
  for (const res of await Promise.all(attempts)) {
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    expect(res.body.message).toBe(denied);
  }
  expect(await w.snapshot()).toBe(before);
});
