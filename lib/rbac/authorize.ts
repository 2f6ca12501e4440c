/**
 * Kubernetes' RBAC decision (docs/access-control.md "Evaluation"): default deny; a request is allowed when a rule
 * of a role bound to the caller allows it. ClusterRoleBindings grant everywhere; a RoleBinding grants only in its
 * own namespace, whether it references a Role of that namespace or a ClusterRole. Members of the bootstrap admin
 * group are allowed everything, so nobody can be locked out.
 */
import { ruleAllows } from './rule-match.js';
import { bindingApplies } from './subjects.js';
import type { Identity, PolicyRule, RequestAttributes, StoredBinding, StoredRole } from './types.js';

/** Everything evaluation may read: the bindings of the request's namespace and the cluster, and the roles. */
export interface PolicySnapshot {
  bindings: StoredBinding[];
  roles: StoredRole[];
}

/** Where a role named by `binding.roleRef` lives: a Role in the binding's namespace, a ClusterRole in none. */
export function referencedRole(binding: StoredBinding, roles: StoredRole[]): StoredRole | undefined {
  const { kind, name } = binding.roleRef;
  if (kind === 'ClusterRole') return roles.find((r) => r.kind === 'ClusterRole' && r.name === name);
  if (kind === 'Role' && binding.kind === 'RoleBinding') {
    return roles.find((r) => r.kind === 'Role' && r.namespace === binding.namespace && r.name === name);
  }
  return undefined;
}

/**
 * The rules the identity holds in `namespace` ('' = cluster-wide only): those of roles referenced by the
 * ClusterRoleBindings and, for a namespace, by that namespace's RoleBindings naming the identity.
 */
export function rulesFor(identity: Identity, namespace: string, policy: PolicySnapshot): PolicyRule[] {
  const rules: PolicyRule[] = [];
  for (const binding of policy.bindings) {
    const inScope =
      binding.kind === 'ClusterRoleBinding' ||
      (binding.kind === 'RoleBinding' && namespace !== '' && binding.namespace === namespace);
    if (!inScope || !bindingApplies(binding, identity)) continue;
    rules.push(...(referencedRole(binding, policy.roles)?.rules ?? []));
  }
  return rules;
}

/** True when the identity is a member of the bootstrap admin group. */
export const isBootstrapAdmin = (identity: Identity, adminGroup: string) =>
  adminGroup !== '' && identity.groups.includes(adminGroup);

/** The RBAC decision for one resource request. */
export function isAllowed(
  identity: Identity,
  attrs: RequestAttributes,
  policy: PolicySnapshot,
  adminGroup: string,
): boolean {
  if (isBootstrapAdmin(identity, adminGroup)) return true;
  return rulesFor(identity, attrs.namespace, policy).some((rule) => ruleAllows(rule, attrs));
}
