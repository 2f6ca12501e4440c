/**
 * The authorization of one request's caller, with the RBAC objects read at most once per namespace. Handlers get
 * it on every request; operations use it for the checks that depend on the body (a Repository's secretRef, the
 * escalation rules of roles and bindings) and the review kinds.
 */
import type { Queryable } from '../../db/queryable.js';
import { ApiError } from '../../errors.js';
import { isAllowed, isBootstrapAdmin, rulesFor, type PolicySnapshot } from '../../rbac/authorize.js';
import { forbiddenMessage } from '../../rbac/forbidden-message.js';
import type { Access, Identity, RequestAttributes } from '../../rbac/types.js';

export type { Access };
import { loadPolicy } from '../../storage/rbac-policy.js';

/** 403 with kube-apiserver's text and details (group, resource as kind, name). */
export class RbacForbiddenError extends ApiError {
  constructor(user: string, attrs: RequestAttributes, why?: string) {
    const message = forbiddenMessage(user, attrs);
    super(403, 'Forbidden', why ? `${message}: ${why}` : message, {
      ...(attrs.name ? { name: attrs.name } : {}),
      group: attrs.apiGroup,
      kind: attrs.resource,
    });
  }
}

/** Access of `identity`, reading RBAC objects through `db` on first need. */
export function createAccess(db: Queryable, identity: Identity, adminGroup: string): Access {
  const isAdmin = isBootstrapAdmin(identity, adminGroup);
  const policies = new Map<string, Promise<PolicySnapshot>>();
  const policyOf = (namespace: string) => {
    let policy = policies.get(namespace);
    if (!policy) {
      policy = loadPolicy(db, identity, namespace);
      policies.set(namespace, policy);
    }
    return policy;
  };
  const access: Access = {
    identity,
    isAdmin,
    allows: async (attrs) => isAdmin || isAllowed(identity, attrs, await policyOf(attrs.namespace), adminGroup),
    require: async (attrs) => {
      if (!(await access.allows(attrs))) throw new RbacForbiddenError(identity.user, attrs);
    },
    rulesIn: async (namespace) => rulesFor(identity, namespace, await policyOf(namespace)),
  };
  return access;
}
