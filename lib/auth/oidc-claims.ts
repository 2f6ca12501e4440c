/**
 * Identity from the claims of a JWT that API Gateway's JWT authorizer verified (signature, issuer, audience,
 * expiry), mapped as kube-apiserver's OIDC authenticator maps them (docs/access-control.md "Identity").
 * API Gateway hands claims over flattened to strings: an array arrives as `[a b c]`, a boolean as `true`; both
 * forms are read.
 */
import type { Identity } from '../rbac/types.js';
import { AUTHENTICATED_GROUP, type IdentitySettings } from './identity-settings.js';

export class IdentityError extends Error {}

const isTrue = (value: unknown) => value === true || value === 'true';

function stringList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v !== '');
  if (typeof value !== 'string' || value === '') return [];
  const bracketed = /^\[(.*)\]$/s.exec(value);
  return bracketed ? bracketed[1]!.split(/[\s,]+/).filter(Boolean) : [value];
}

function usernameOf(claims: Record<string, unknown>, settings: IdentitySettings): string {
  const claim = settings.usernameClaim;
  const value = claims[claim];
  if (typeof value !== 'string' || value === '') throw new IdentityError(`the token has no "${claim}" claim`);
  // An email address someone typed but never proved is anybody's: kube-apiserver refuses it, so do we.
  if (claim === 'email' && !isTrue(claims.email_verified))
    throw new IdentityError('the token\'s "email" claim is not verified (email_verified is not true)');
  let prefix = settings.usernamePrefix;
  if (prefix === undefined) {
    const issuer = typeof claims.iss === 'string' ? claims.iss : '';
    prefix = claim === 'email' || issuer === '' ? '' : `${issuer}#`;
  }
  return prefix === '-' ? value : `${prefix}${value}`;
}

/** The identity a verified token's claims name; IdentityError when the configured user claim is unusable. */
export function identityFromClaims(claims: Record<string, unknown>, settings: IdentitySettings): Identity {
  const user = usernameOf(claims, settings);
  const groups = stringList(claims[settings.groupsClaim]).map((g) => `${settings.groupsPrefix}${g}`);
  return { user, groups: [...new Set([...groups, AUTHENTICATED_GROUP])] };
}
