import { describe, expect, it } from 'vitest';
import { DEFAULT_IDENTITY_SETTINGS } from '../../lib/auth/identity-settings.js';
import { createAccess } from '../../lib/api/rbac/access.js';
import { createHttpHandler } from '../../lib/http/handler.js';
import { httpEvent, jsonBody } from '../support/http-events.js';
import { createTestIssuer, ISSUER } from './support/issuer.js';

const path = '/apis/authentication.k8s.io/v1/selfsubjectreviews';

/**
 * An echo of the caller behind the full middy stack, with the identity settings under test. Its database is never
 * queried: the self-reviews need no RBAC read.
 */
function whoami(settings = DEFAULT_IDENTITY_SETTINGS) {
  return createHttpHandler(
    { whoAmI: async (req) => ({ status: 201, body: { user: req.caller.user, groups: req.caller.groups } }) },
    createAccess,
    { database: async () => ({}) as never, identity: settings, log: () => undefined },
  );
}

describe('real tokens through the handler', () => {
  it('names the user by sub prefixed with the issuer, with the groups claim', async () => {
    const issuer = await createTestIssuer();
    const token = await issuer.sign({ sub: 'u-1', groups: ['dev', 'ops'] });
    const res = await whoami()(httpEvent('POST', path, { body: {}, authorizer: await issuer.authorize(token) }));
    expect(jsonBody(res)).toEqual({ user: `${ISSUER}#u-1`, groups: ['dev', 'ops', 'system:authenticated'] });
  });

  it('never uses an unverified email: 401', async () => {
    const issuer = await createTestIssuer();
    const settings = { ...DEFAULT_IDENTITY_SETTINGS, usernameClaim: 'email' };
    for (const claims of [{ email: 'ceo@corp.test' }, { email: 'ceo@corp.test', email_verified: false }]) {
      const token = await issuer.sign({ sub: 'u-2', ...claims });
      const res = await whoami(settings)(
        httpEvent('POST', path, { body: {}, authorizer: await issuer.authorize(token) }),
      );
      expect(res.statusCode).toBe(401);
      expect(jsonBody(res).message).toContain('not verified');
    }
    const verified = await issuer.sign({ sub: 'u-2', email: 'ceo@corp.test', email_verified: true });
    const ok = await whoami(settings)(
      httpEvent('POST', path, { body: {}, authorizer: await issuer.authorize(verified) }),
    );
    expect(jsonBody(ok).user).toBe('ceo@corp.test');
  });

  it('rejects a token signed by another key, as API Gateway does', async () => {
    const ours = await createTestIssuer();
    const theirs = await createTestIssuer();
    await expect(ours.authorize(await theirs.sign({ sub: 'x' }))).rejects.toThrow();
  });
});
