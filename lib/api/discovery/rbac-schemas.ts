/**
 * OpenAPI schemas of Kubernetes' RBAC kinds (`rbac.authorization.k8s.io/v1`), written from their Go types, under
 * Kubernetes' own definition names so that kubectl finds them by group/version/kind.
 */
type Schema = Record<string, unknown>;

const GROUP = 'rbac.authorization.k8s.io';
export const RBAC_DEFINITION_PREFIX = 'io.k8s.api.rbac.v1';

const str: Schema = { type: 'string' };
const strList: Schema = { type: 'array', items: str };
const obj = (properties: Record<string, Schema>, required?: string[]): Schema => ({
  type: 'object',
  properties,
  ...(required ? { required } : {}),
});

const policyRule = obj(
  { apiGroups: strList, nonResourceURLs: strList, resourceNames: strList, resources: strList, verbs: strList },
  ['verbs'],
);
const subject = obj({ apiGroup: str, kind: str, name: str, namespace: str }, ['kind', 'name']);
const roleRef = obj({ apiGroup: str, kind: str, name: str }, ['apiGroup', 'kind', 'name']);
const labelSelector = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

/** The RBAC kinds with their own fields (besides apiVersion, kind, metadata). */
const KINDS: Record<string, Record<string, Schema>> = {
  Role: { rules: { type: 'array', items: policyRule } },
  ClusterRole: {
    rules: { type: 'array', items: policyRule },
    aggregationRule: obj({ clusterRoleSelectors: { type: 'array', items: labelSelector } }),
  },
  RoleBinding: { subjects: { type: 'array', items: subject }, roleRef },
  ClusterRoleBinding: { subjects: { type: 'array', items: subject }, roleRef },
};

export const RBAC_KINDS = Object.keys(KINDS);

/** Definitions of the four kinds and their lists; `meta`/`listMeta` are the shared metadata refs. */
export function rbacDefinitions(prefix: string, meta: string, listMeta: string): Record<string, Schema> {
  const defs: Record<string, Schema> = {};
  for (const [kind, fields] of Object.entries(KINDS)) {
    const id = `${RBAC_DEFINITION_PREFIX}.${kind}`;
    const required = kind.endsWith('Binding') ? ['roleRef'] : undefined;
    defs[id] = {
      ...obj({ apiVersion: str, kind: str, metadata: { $ref: `${prefix}${meta}` }, ...fields }, required),
      'x-kubernetes-group-version-kind': [{ group: GROUP, kind, version: 'v1' }],
    };
    defs[`${id}List`] = {
      ...obj(
        {
          apiVersion: str,
          kind: str,
          metadata: { $ref: `${prefix}${listMeta}` },
          items: { type: 'array', items: { $ref: `${prefix}${id}` } },
        },
        ['items'],
      ),
      'x-kubernetes-group-version-kind': [{ group: GROUP, kind: `${kind}List`, version: 'v1' }],
    };
  }
  return defs;
}
