import { JwtVerifier } from 'aws-jwt-verify';
import type { Jwks } from 'aws-jwt-verify/jwk';

export interface JwtRules {
  issuer: string;
  /** Accepted audiences: the token's `aud` (or, without one, its `client_id`) must name one, as API Gateway checks. */
  audience: string[];
  jwksUri?: string;
  /** Signing keys known in advance (tests); otherwise they are fetched from `jwksUri` and cached. */
  jwks?: Jwks;
}

/**
 * Verifies a bearer token with the rules of the API's JWT authorizer: RS256 signature by the issuer's keys, `iss`,
 * expiry and not-before, and the audience. Returns the claims; throws when the token is not valid.
 */
export function createJwtVerify(rules: JwtRules): (token: string) => Promise<Record<string, unknown>> {
  const verifier = JwtVerifier.create({ issuer: rules.issuer, audience: null, jwksUri: rules.jwksUri });
  if (rules.jwks) verifier.cacheJwks(rules.jwks);
  return async (token) => {
    const claims = (await verifier.verify(token)) as Record<string, unknown>;
    const aud = claims.aud === undefined ? [claims.client_id] : [claims.aud].flat();
    if (!aud.some((a) => typeof a === 'string' && rules.audience.includes(a))) throw new Error('audience not accepted');
    return claims;
  };
}
