/**
 * OpenAPI schemas of Kubernetes' RBAC kinds (`rbac.authorization.k8s.io/v1`), written from their Go types, under
 * Kubernetes' own definition names so that kubectl finds them by group/version/kind (docs/access-control.md).
 */
import { free, list, obj, str, strList, type Schema } from './openapi-types.js';
import { RBAC_GROUP } from '../../api-groups.js';

export const RBAC_DEFINITION_PREFIX = 'io.k8s.api.rbac.v1';

const policyRule = obj(
  'One permission: the verbs allowed on resources of API groups (optionally only the named objects), or on non-resource URLs.',
  {
    apiGroups: strList('API groups of the resources; "" is the core group, "*" any group.'),
    nonResourceURLs: strList('URL paths (a trailing "*" matches any rest); only in ClusterRoles.'),
    resourceNames: strList('Only objects of these names; such a rule never allows list or create.'),
    resources: strList('Resources, "resource/subresource" (e.g. packagerevisions/approval), or "*".'),
    verbs: strList('Verbs allowed: get, list, watch, create, update, patch, delete, or "*".'),
  },
  ['verbs'],
);
const subject = obj(
  'Who the binding grants the role to.',
  {
    apiGroup: str('rbac.authorization.k8s.io for User and Group, "" for ServiceAccount.'),
    kind: str('User, Group or ServiceAccount.'),
    name: str('Name of the user, group or service account.'),
    namespace: str("Namespace of a ServiceAccount; default the binding's."),
  },
  ['kind', 'name'],
);
const roleRef = obj(
  'The role granted; it cannot change after creation.',
  {
    apiGroup: str('rbac.authorization.k8s.io.'),
    kind: str("Role (in the binding's namespace) or ClusterRole."),
    name: str('Name of the role.'),
  },
  ['apiGroup', 'kind', 'name'],
);
const rules = list('The permissions of the role.', policyRule);
const subjects = list('Who is granted the role.', subject);

/** The RBAC kinds: their description and own fields (besides apiVersion, kind, metadata). */
const KINDS: Record<string, [string, Record<string, Schema>]> = {
  Role: ['A set of permissions in one namespace.', { rules }],
  ClusterRole: [
    'A set of permissions, cluster-wide or, bound by a RoleBinding, in one namespace.',
    {
      rules,
      aggregationRule: obj('Kept as given; aggregation is not evaluated by this service.', {
        clusterRoleSelectors: list('Label selectors of ClusterRoles to aggregate.', free('A label selector.')),
      }),
    },
  ],
  RoleBinding: ['Grants a Role or ClusterRole to subjects in one namespace.', { subjects, roleRef }],
  ClusterRoleBinding: ['Grants a ClusterRole to subjects in every namespace.', { subjects, roleRef }],
};

export const RBAC_KINDS = Object.keys(KINDS);

const common = (prefix: string, meta: string, description: string) => ({
  apiVersion: str('Group and version of the object: rbac.authorization.k8s.io/v1.'),
  kind: str('Kind of the object.'),
  metadata: { $ref: `${prefix}${meta}`, description },
});

/** Definitions of the four kinds and their lists; `meta`/`listMeta` are the shared metadata definitions. */
export function rbacDefinitions(prefix: string, meta: string, listMeta: string): Record<string, Schema> {
  const defs: Record<string, Schema> = {};
  for (const [kind, [description, fields]] of Object.entries(KINDS)) {
    const id = `${RBAC_DEFINITION_PREFIX}.${kind}`;
    const required = kind.endsWith('Binding') ? ['roleRef'] : undefined;
    defs[id] = {
      ...obj(description, { ...common(prefix, meta, 'Standard object metadata.'), ...fields }, required),
      'x-kubernetes-group-version-kind': [{ group: RBAC_GROUP, kind, version: 'v1' }],
    };
    defs[`${id}List`] = {
      ...obj(
        `A list of ${kind}s.`,
        {
          ...common(prefix, listMeta, 'Standard list metadata (continue token).'),
          items: list(`The ${kind}s.`, { $ref: `${prefix}${id}` }),
        },
        ['items'],
      ),
      'x-kubernetes-group-version-kind': [{ group: RBAC_GROUP, kind: `${kind}List`, version: 'v1' }],
    };
  }
  return defs;
}
