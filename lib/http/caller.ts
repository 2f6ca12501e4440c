import type { Caller } from './api-types.js';

/** The shape of `requestContext.authorizer` for the authorizers API Gateway HTTP APIs support. */
interface Authorizer {
  jwt?: { claims?: Record<string, unknown> };
  iam?: { userArn?: string; userId?: string };
  lambda?: Record<string, unknown>;
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * Resolves the caller from the authorizer context: a JWT's username, email or subject; an IAM principal's ARN; or
 * the `user` a Lambda authorizer (or the local server) put in its context. Without any, `system:anonymous`, as
 * Kubernetes names an unauthenticated user.
 */
export function resolveCaller(authorizer: unknown): Caller {
  const a = (authorizer ?? {}) as Authorizer;
  const claims = a.jwt?.claims ?? {};
  const user =
    text(claims.username) ??
    text(claims['cognito:username']) ??
    text(claims.email) ??
    text(claims.sub) ??
    text(a.iam?.userArn) ??
    text(a.lambda?.user);
  return { user: user ?? 'system:anonymous' };
}
