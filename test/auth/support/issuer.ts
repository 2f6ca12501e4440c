/**
 * A test OIDC issuer: an RS256 key pair, tokens signed with it, and API Gateway's JWT authorizer as it behaves in
 * production: it verifies signature, issuer, audience and expiry against the issuer's JWKS, then hands the claims
 * to the function flattened to strings (arrays as `[a b]`). What the function does with them is production code.
 */
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, type JWTPayload } from 'jose';

export const ISSUER = 'https://idp.example.test';
export const AUDIENCE = 'porch-api';

export interface TestIssuer {
  sign(claims: JWTPayload & { sub: string }): Promise<string>;
  /** `requestContext.authorizer` for a token, or throws as API Gateway answers 401. */
  authorize(token: string): Promise<{ jwt: { claims: Record<string, string>; scopes: null } }>;
}

const flatten = (value: unknown) =>
  Array.isArray(value) ? `[${value.join(' ')}]` : typeof value === 'string' ? value : JSON.stringify(value);

export async function createTestIssuer(): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' }] });
  return {
    sign: (claims) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(privateKey),
    async authorize(token) {
      const { payload } = await jwtVerify(token, jwks, { issuer: ISSUER, audience: AUDIENCE });
      const claims: Record<string, string> = {};
      for (const [k, v] of Object.entries(payload)) claims[k] = flatten(v);
      return { jwt: { claims, scopes: null } };
    },
  };
}
