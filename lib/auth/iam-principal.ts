/**
 * Identity of a SigV4-signed request (IAM mode). The user is the principal's ARN as IAM reports it; for an
 * assumed role that is the role, not `assumed-role/<role>/<session>`, since the session name is whatever the
 * caller chose when assuming the role and must not let it pose as another user.
 */
import type { Identity } from '../rbac/types.js';
import { AUTHENTICATED_GROUP } from './identity-settings.js';
import { IdentityError } from './oidc-claims.js';

const ASSUMED_ROLE = /^arn:([a-z-]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/;

/** Maps an IAM caller ARN to its user name (assumed-role sessions to their role's ARN). */
export function userFromArn(arn: string): string {
  const assumed = ASSUMED_ROLE.exec(arn);
  if (assumed) return `arn:${assumed[1]}:iam::${assumed[2]}:role/${assumed[3]}`;
  if (!/^arn:[a-z-]+:(iam|sts)::\d{12}:[\w+=,.@/-]+$/.test(arn)) throw new IdentityError('unrecognised IAM caller ARN');
  return arn;
}

export const identityFromArn = (arn: string): Identity => ({ user: userFromArn(arn), groups: [AUTHENTICATED_GROUP] });
