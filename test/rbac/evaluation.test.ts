import { describe, expect, it } from 'vitest';
import { isAllowed, type PolicySnapshot } from '../../lib/rbac/authorize.js';
import { uncoveredRules } from '../../lib/rbac/covers.js';
import { forbiddenMessage } from '../../lib/rbac/forbidden-message.js';
import { requestAttributes } from '../../lib/rbac/request-attributes.js';
import type { RequestAttributes, StoredBinding } from '../../lib/rbac/types.js';

const P = 'porch.kpt.dev';
const alice = { user: 'alice', groups: ['team-a-editors', 'system:authenticated'] };
const attrs = (a: Partial<RequestAttributes>): RequestAttributes => ({
  verb: 'get',
  apiGroup: P,
  resource: 'packagerevisions',
  subresource: '',
  namespace: 'team-a',
  name: 'x',
  ...a,
});
const group = (name: string) => ({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name });
const binding = (kind: StoredBinding['kind'], namespace: string, roleKind: string, role: string): StoredBinding => ({
  kind,
  namespace,
  name: `${role}-binding`,
  subjects: [group('team-a-editors')],
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: role },
});

const policy: PolicySnapshot = {
  bindings: [
    binding('RoleBinding', 'team-a', 'Role', 'editor'),
    binding('RoleBinding', 'team-a', 'ClusterRole', 'reader'),
  ],
  roles: [
    {
      kind: 'Role',
      namespace: 'team-a',
      name: 'editor',
      rules: [{ verbs: ['create', 'update', 'patch'], apiGroups: [P], resources: ['packagerevisions'] }],
    },
    {
      kind: 'ClusterRole',
      namespace: '',
      name: 'reader',
      rules: [{ verbs: ['get', 'list'], apiGroups: ['*'], resources: ['*'] }],
    },
    {
      kind: 'Role',
      namespace: 'team-b',
      name: 'editor',
      rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
    },
  ],
};

describe('RBAC evaluation', () => {
  it('allows by a Role and by a ClusterRole bound in the namespace, only there', () => {
    expect(isAllowed(alice, attrs({ verb: 'update' }), policy, 'system:masters')).toBe(true);
    expect(isAllowed(alice, attrs({ verb: 'list', name: '' }), policy, 'system:masters')).toBe(true);
    expect(isAllowed(alice, attrs({ verb: 'update', namespace: 'team-b' }), policy, 'system:masters')).toBe(false);
    expect(isAllowed(alice, attrs({ verb: 'list', namespace: '', name: '' }), policy, 'system:masters')).toBe(false);
  });

  it('treats the subresource as its own resource: update on packagerevisions is not approval', () => {
    expect(isAllowed(alice, attrs({ verb: 'update', subresource: 'approval' }), policy, 'system:masters')).toBe(false);
    const approver: PolicySnapshot = {
      bindings: policy.bindings,
      roles: [
        {
          kind: 'Role',
          namespace: 'team-a',
          name: 'editor',
          rules: [{ verbs: ['update'], apiGroups: [P], resources: ['*/approval'] }],
        },
      ],
    };
    expect(isAllowed(alice, attrs({ verb: 'update', subresource: 'approval' }), approver, 'system:masters')).toBe(true);
  });

  it('limits rules with resourceNames to requests naming them', () => {
    const named: PolicySnapshot = {
      bindings: policy.bindings.slice(0, 1),
      roles: [
        {
          kind: 'Role',
          namespace: 'team-a',
          name: 'editor',
          rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['secrets'], resourceNames: ['github'] }],
        },
      ],
    };
    const secret = { apiGroup: '', resource: 'secrets' };
    expect(isAllowed(alice, attrs({ ...secret, name: 'github' }), named, 'x')).toBe(true);
    expect(isAllowed(alice, attrs({ ...secret, name: 'other' }), named, 'x')).toBe(false);
    expect(isAllowed(alice, attrs({ ...secret, verb: 'list', name: '' }), named, 'x')).toBe(false);
  });

  it('denies by default and allows the bootstrap admin group everything', () => {
    const empty = { bindings: [], roles: [] };
    expect(isAllowed(alice, attrs({}), empty, 'system:masters')).toBe(false);
    expect(
      isAllowed({ user: 'root', groups: ['system:masters'] }, attrs({ verb: 'delete' }), empty, 'system:masters'),
    ).toBe(true);
  });

  it('matches ServiceAccount subjects by their user name', () => {
    const sa: PolicySnapshot = {
      bindings: [{ ...policy.bindings[0]!, subjects: [{ kind: 'ServiceAccount', name: 'ci' }] }],
      roles: policy.roles,
    };
    const ci = { user: 'system:serviceaccount:team-a:ci', groups: [] };
    expect(isAllowed(ci, attrs({ verb: 'create', name: '' }), sa, 'x')).toBe(true);
    expect(isAllowed({ user: 'ci', groups: [] }, attrs({ verb: 'create', name: '' }), sa, 'x')).toBe(false);
  });

  it("writes kube-apiserver's 403 texts", () => {
    expect(forbiddenMessage('u', attrs({ verb: 'update', name: 'p.ws', subresource: 'approval' }))).toBe(
      'packagerevisions.porch.kpt.dev "p.ws" is forbidden: User "u" cannot update resource "packagerevisions/approval" in API group "porch.kpt.dev" in the namespace "team-a"',
    );
    expect(forbiddenMessage('u', attrs({ verb: 'list', name: '', namespace: '' }))).toBe(
      'packagerevisions.porch.kpt.dev is forbidden: User "u" cannot list resource "packagerevisions" in API group "porch.kpt.dev" at the cluster scope',
    );
  });

  it('derives request attributes from route templates', () => {
    const t = '/apis/porch.kpt.dev/v1alpha1/namespaces/{namespace}/packagerevisions/{name}/approval';
    expect(requestAttributes('PUT', t, { namespace: 'a', name: 'n' }, {})).toEqual(
      attrs({ verb: 'update', subresource: 'approval', namespace: 'a', name: 'n' }),
    );
    expect(requestAttributes('GET', '/apis/porch.kpt.dev/v1alpha1/packagerevisions', {}, {})).toMatchObject({
      verb: 'list',
      namespace: '',
    });
    expect(
      requestAttributes('GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles/{name}', { name: 'c' }, {}),
    ).toMatchObject({
      verb: 'get',
      apiGroup: 'rbac.authorization.k8s.io',
      resource: 'clusterroles',
      name: 'c',
    });
    expect(requestAttributes('GET', '/healthz', {}, {})).toBeUndefined();
  });

  it('finds the permissions a role would grant beyond the owner', () => {
    const owner = [{ verbs: ['get', 'update'], apiGroups: [P], resources: ['packagerevisions'] }];
    expect(uncoveredRules(owner, [{ verbs: ['get'], apiGroups: [P], resources: ['packagerevisions'] }])).toEqual([]);
    expect(uncoveredRules(owner, [{ verbs: ['*'], apiGroups: [P], resources: ['packagerevisions'] }])).toHaveLength(1);
    expect(
      uncoveredRules(owner, [{ verbs: ['update'], apiGroups: [P], resources: ['packagerevisions/approval'] }]),
    ).toHaveLength(1);
    expect(
      uncoveredRules(
        [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
        [{ verbs: ['bind'], apiGroups: ['x'], resources: ['y'] }],
      ),
    ).toEqual([]);
  });
});
