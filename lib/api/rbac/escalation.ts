/**
 * Kubernetes' escalation prevention (docs/access-control.md "Escalation"): without it, whoever may create
 * RoleBindings in a namespace could bind themselves to any ClusterRole, and whoever may edit a Role could grant
 * themselves anything. A role may be written only by who holds all of its rules (or has `escalate` on it); a
 * binding only by who holds all rules of the role it references (or has `bind` on that role).
 */
import type { Queryable } from '../../db/queryable.js';
import { NotFoundError } from '../../errors.js';
import { uncoveredRules } from '../../rbac/covers.js';
import { RBAC_GROUP, type PolicyRule, type RequestAttributes, type RoleRef } from '../../rbac/types.js';
import { getRbacObject, rbacRef, RBAC_RESOURCES, type RbacKind } from '../../storage/rbac-objects.js';
import { RbacForbiddenError, type Access } from './access.js';

const describeRule = (r: PolicyRule) =>
  `{${[
    r.apiGroups && `APIGroups:${JSON.stringify(r.apiGroups)}`,
    r.resources && `Resources:${JSON.stringify(r.resources)}`,
    r.resourceNames?.length ? `ResourceNames:${JSON.stringify(r.resourceNames)}` : undefined,
    r.nonResourceURLs && `NonResourceURLs:${JSON.stringify(r.nonResourceURLs)}`,
    `Verbs:${JSON.stringify(r.verbs)}`,
  ]
    .filter(Boolean)
    .join(', ')}}`;

async function requireCovered(access: Access, attrs: RequestAttributes, rules: PolicyRule[]) {
  const missing = uncoveredRules(await access.rulesIn(attrs.namespace), rules);
  if (missing.length === 0) return;
  const { user, groups } = access.identity;
  throw new RbacForbiddenError(
    user,
    attrs,
    `user ${JSON.stringify(user)} (groups=${JSON.stringify(groups)}) is attempting to grant RBAC permissions not currently held:\n${missing.map(describeRule).join('\n')}`,
  );
}

/** Refuses writing role `name` with `rules` unless the caller holds them or may `escalate`. */
export async function checkRoleWrite(
  access: Access,
  kind: RbacKind,
  namespace: string,
  name: string,
  verb: string,
  rules: PolicyRule[],
) {
  if (access.isAdmin) return;
  const resource = RBAC_RESOURCES[kind];
  const escalate = { verb: 'escalate', apiGroup: RBAC_GROUP, resource, subresource: '', namespace, name };
  if (await access.allows(escalate)) return;
  await requireCovered(access, { ...escalate, verb }, rules);
}

/** Refuses binding `roleRef` in `namespace` unless the caller holds the role's rules or may `bind` it. */
export async function checkBindingWrite(
  q: Queryable,
  access: Access,
  kind: RbacKind,
  namespace: string,
  name: string,
  verb: string,
  roleRef: RoleRef,
) {
  if (access.isAdmin) return;
  const roleKind = roleRef.kind as RbacKind;
  const bind = {
    verb: 'bind',
    apiGroup: RBAC_GROUP,
    resource: RBAC_RESOURCES[roleKind],
    subresource: '',
    namespace,
    name: roleRef.name,
  };
  if (await access.allows(bind)) return;
  const role = await getRbacObject(q, roleKind, roleKind === 'Role' ? namespace : '', roleRef.name);
  if (!role) throw new NotFoundError(rbacRef(roleKind, roleRef.name));
  const attrs = { verb, apiGroup: RBAC_GROUP, resource: RBAC_RESOURCES[kind], subresource: '', namespace, name };
  await requireCovered(access, attrs, role.rules ?? []);
}
