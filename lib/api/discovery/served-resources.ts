import { CONFIG_GROUP, PORCH_GROUP, RBAC_GROUP, VERSION } from '../../api-groups.js';

/** One resource as discovery and OpenAPI describe it; the single list both documents are built from. */
export interface ServedResource {
  group: string;
  /** Plural resource name, or `<resource>/<subresource>`. */
  name: string;
  singularName: string;
  kind: string;
  listKind?: string;
  shortNames?: string[];
  /** Only the verbs this service serves (docs/api.md "Paths"); kubectl decides from these what it may try. */
  verbs: string[];
  /** False for cluster-scoped kinds (ClusterRole, ClusterRoleBinding); default true. */
  namespaced?: boolean;
}

const RBAC_VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update'];

export const servedResources: ServedResource[] = [
  {
    group: CONFIG_GROUP,
    name: 'repositories',
    singularName: 'repository',
    kind: 'Repository',
    listKind: 'RepositoryList',
    shortNames: ['repo'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update'],
  },
  {
    group: PORCH_GROUP,
    name: 'packagerevisions',
    singularName: 'packagerevision',
    kind: 'PackageRevision',
    listKind: 'PackageRevisionList',
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update'],
  },
  {
    group: PORCH_GROUP,
    name: 'packagerevisions/approval',
    singularName: '',
    kind: 'PackageRevision',
    verbs: ['get', 'patch', 'update'],
  },
  {
    group: PORCH_GROUP,
    name: 'packagerevisionresources',
    singularName: 'packagerevisionresources',
    kind: 'PackageRevisionResources',
    listKind: 'PackageRevisionResourcesList',
    verbs: ['get', 'list', 'patch', 'update'],
  },
  {
    group: PORCH_GROUP,
    name: 'packages',
    singularName: 'package',
    kind: 'PorchPackage',
    listKind: 'PorchPackageList',
    verbs: ['get', 'list'],
  },
  { group: RBAC_GROUP, name: 'roles', singularName: 'role', kind: 'Role', listKind: 'RoleList', verbs: RBAC_VERBS },
  {
    group: RBAC_GROUP,
    name: 'rolebindings',
    singularName: 'rolebinding',
    kind: 'RoleBinding',
    listKind: 'RoleBindingList',
    verbs: RBAC_VERBS,
  },
  {
    group: RBAC_GROUP,
    name: 'clusterroles',
    singularName: 'clusterrole',
    kind: 'ClusterRole',
    listKind: 'ClusterRoleList',
    verbs: RBAC_VERBS,
    namespaced: false,
  },
  {
    group: RBAC_GROUP,
    name: 'clusterrolebindings',
    singularName: 'clusterrolebinding',
    kind: 'ClusterRoleBinding',
    listKind: 'ClusterRoleBindingList',
    verbs: RBAC_VERBS,
    namespaced: false,
  },
];

export const servedGroups = [PORCH_GROUP, CONFIG_GROUP, RBAC_GROUP];
/** The one version a group is served in: Porch's groups v1alpha1, Kubernetes' RBAC group v1. */
export const versionOf = (group: string) => (group === RBAC_GROUP ? 'v1' : VERSION);
export const groupVersion = (group: string) => `${group}/${versionOf(group)}`;
