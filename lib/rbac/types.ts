/** The shapes of Kubernetes' `rbac.authorization.k8s.io/v1` objects that evaluation reads (docs/access-control.md). */

/** Who a request runs as: a user name and groups, as kube-apiserver's authenticators produce them. */
export interface Identity {
  user: string;
  groups: string[];
  uid?: string;
}

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface Subject {
  kind: string;
  name: string;
  apiGroup?: string;
  namespace?: string;
}

export interface RoleRef {
  apiGroup: string;
  kind: 'Role' | 'ClusterRole' | string;
  name: string;
}

/** A Role (namespace set) or ClusterRole (namespace ''). */
export interface StoredRole {
  kind: 'Role' | 'ClusterRole';
  namespace: string;
  name: string;
  rules: PolicyRule[];
}

/** A RoleBinding (namespace set) or ClusterRoleBinding (namespace ''). */
export interface StoredBinding {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  namespace: string;
  name: string;
  subjects: Subject[];
  roleRef: RoleRef;
}

/** What a request asks to do, as Kubernetes' request info names it. */
export interface RequestAttributes {
  verb: string;
  apiGroup: string;
  resource: string;
  subresource: string;
  /** '' for cluster-scoped objects and for lists across all namespaces. */
  namespace: string;
  /** '' for collections (list, create). */
  name: string;
}

export { RBAC_GROUP } from '../api-groups.js';

/** The authorization of one request's caller (lib/api/rbac/access.ts builds it). */
export interface Access {
  readonly identity: Identity;
  /** Members of the bootstrap admin group are allowed everything. */
  readonly isAdmin: boolean;
  /** The RBAC decision for `attrs`. */
  allows(attrs: RequestAttributes): Promise<boolean>;
  /** Throws the 403 Kubernetes answers when `attrs` is not allowed. */
  require(attrs: RequestAttributes): Promise<void>;
  /** The rules the caller holds in `namespace` ('' = cluster-wide). */
  rulesIn(namespace: string): Promise<PolicyRule[]>;
}
