import { IdentityError, identityFromClaims } from '../auth/oidc-claims.js';
import { identityFromArn } from '../auth/iam-principal.js';
import { ANONYMOUS_USER, UNAUTHENTICATED_GROUP, type IdentitySettings } from '../auth/identity-settings.js';
import { UnauthorizedError } from '../errors.js';
import type { Caller } from '../contract/api-types.js';

/** The shape of `requestContext.authorizer` for the authorizers API Gateway HTTP APIs support. */
interface Authorizer {
  jwt?: { claims?: Record<string, unknown> };
  iam?: { userArn?: string };
  lambda?: { user?: unknown; groups?: unknown; uid?: unknown };
}

const strings = (value: unknown) => (Array.isArray(value) ? value.filter((v) => typeof v === 'string') : []);

/**
 * Resolves the caller from the authorizer context (docs/access-control.md "Identity"): a verified JWT's configured
 * claims; an IAM principal's ARN; or the identity the local server put in a Lambda-authorizer context. Without any,
 * `system:anonymous`, as Kubernetes names an unauthenticated user. Unusable credentials are a 401.
 */
export function resolveCaller(authorizer: unknown, settings: IdentitySettings): Caller {
  const caller = authenticate(authorizer, settings);
  // Configured admins join the bootstrap admin group (docs/access-control.md "Identity").
  if (settings.bootstrapAdminUsers.includes(caller.user) && !caller.groups.includes(settings.bootstrapAdminGroup))
    return { ...caller, groups: [settings.bootstrapAdminGroup, ...caller.groups] };
  return caller;
}

function authenticate(authorizer: unknown, settings: IdentitySettings): Caller {
  const a = (authorizer ?? {}) as Authorizer;
  try {
    if (a.jwt) return identityFromClaims(a.jwt.claims ?? {}, settings);
    if (typeof a.iam?.userArn === 'string' && a.iam.userArn) return identityFromArn(a.iam.userArn);
  } catch (err) {
    if (err instanceof IdentityError) throw new UnauthorizedError(`Unauthorized: ${err.message}`);
    throw err;
  }
  if (typeof a.lambda?.user === 'string' && a.lambda.user) {
    const uid = typeof a.lambda.uid === 'string' ? { uid: a.lambda.uid } : {};
    return { user: a.lambda.user, groups: strings(a.lambda.groups), ...uid };
  }
  return { user: ANONYMOUS_USER, groups: [UNAUTHENTICATED_GROUP] };
}
