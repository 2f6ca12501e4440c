import { describe, expect, it } from 'vitest';
import { userFromArn } from '../../lib/auth/iam-principal.js';
import { DEFAULT_IDENTITY_SETTINGS } from '../../lib/auth/identity-settings.js';
import { localAuthenticator } from '../../lib/auth/local-authenticator.js';
import { identityFromClaims } from '../../lib/auth/oidc-claims.js';
import { parseTokenFile } from '../../lib/auth/token-file.js';
import { resolveCaller } from '../../lib/http/caller.js';

const iss = 'https://idp.example.test';
const settings = DEFAULT_IDENTITY_SETTINGS;

describe('identity from token claims (kube-apiserver OIDC options)', () => {
  it('uses sub prefixed by the issuer by default, and the groups claim', () => {
    expect(identityFromClaims({ iss, sub: '42', groups: ['dev'] }, settings)).toEqual({
      user: `${iss}#42`,
      groups: ['dev', 'system:authenticated'],
    });
  });

  it('reads the flattened claims API Gateway hands over', () => {
    const id = identityFromClaims(
      { iss, sub: '42', groups: '[dev ops]', email: 'a@x', email_verified: 'true' },
      {
        ...settings,
        usernameClaim: 'email',
      },
    );
    expect(id).toEqual({ user: 'a@x', groups: ['dev', 'ops', 'system:authenticated'] });
  });

  it('never uses an unverified email', () => {
    const email = { ...settings, usernameClaim: 'email' };
    expect(() => identityFromClaims({ iss, sub: '1', email: 'boss@x' }, email)).toThrow(/not verified/);
    expect(() => identityFromClaims({ iss, sub: '1', email: 'boss@x', email_verified: false }, email)).toThrow(
      /not verified/,
    );
    expect(() =>
      resolveCaller({ jwt: { claims: { iss, sub: '1', email: 'boss@x', email_verified: 'false' } } }, email),
    ).toThrow(/Unauthorized/);
  });

  it('applies configured prefixes and claim names; "-" disables the user prefix', () => {
    const custom = {
      ...settings,
      usernameClaim: 'preferred_username',
      usernamePrefix: 'oidc:',
      groupsClaim: 'roles',
      groupsPrefix: 'oidc:',
    };
    expect(identityFromClaims({ iss, preferred_username: 'ann', roles: ['a'] }, custom)).toEqual({
      user: 'oidc:ann',
      groups: ['oidc:a', 'system:authenticated'],
    });
    expect(identityFromClaims({ iss, sub: 'ann' }, { ...settings, usernamePrefix: '-' }).user).toBe('ann');
  });

  it('maps an assumed-role ARN to its role, whatever session name the caller chose', () => {
    expect(userFromArn('arn:aws:sts::123456789012:assumed-role/porch-dev/alice')).toBe(
      'arn:aws:iam::123456789012:role/porch-dev',
    );
    expect(userFromArn('arn:aws:sts::123456789012:assumed-role/porch-dev/admin')).toBe(
      'arn:aws:iam::123456789012:role/porch-dev',
    );
    expect(userFromArn('arn:aws:iam::123456789012:user/bob')).toBe('arn:aws:iam::123456789012:user/bob');
  });

  it('puts configured admin users (an IAM role, which has no groups) in the bootstrap admin group', () => {
    const admins = { ...settings, bootstrapAdminUsers: ['arn:aws:iam::123456789012:role/ops'] };
    const ops = { iam: { userArn: 'arn:aws:sts::123456789012:assumed-role/ops/anyone' } };
    expect(resolveCaller(ops, admins).groups).toEqual(['system:masters', 'system:authenticated']);
    const dev = { iam: { userArn: 'arn:aws:sts::123456789012:assumed-role/dev/ops' } };
    expect(resolveCaller(dev, admins).groups).toEqual(['system:authenticated']);
  });

  it('calls a request without an authorizer system:anonymous', () => {
    expect(resolveCaller(undefined, settings)).toEqual({
      user: 'system:anonymous',
      groups: ['system:unauthenticated'],
    });
  });
});

describe('local server tokens', () => {
  const file = 'tok-a,alice,1,"team-a,editors"\n# comment\ntok-b,bob,2\n';

  it("parses kube-apiserver's --token-auth-file format", () => {
    expect(parseTokenFile(file, 'tokens.csv')).toEqual([
      { token: 'tok-a', identity: { user: 'alice', uid: '1', groups: ['team-a', 'editors', 'system:authenticated'] } },
      { token: 'tok-b', identity: { user: 'bob', uid: '2', groups: ['system:authenticated'] } },
    ]);
    expect(() => parseTokenFile('tok,alice\n', 'tokens.csv')).toThrow(/tokens.csv line 1/);
  });

  it('gives API_TOKEN to the owner in the admin group, file tokens to their users, nothing to others', () => {
    const auth = localAuthenticator({
      owner: 'me',
      apiToken: 'admin-tok',
      tokens: parseTokenFile(file, 'f'),
      bootstrapAdminGroup: 'system:masters',
    });
    expect(auth('Bearer admin-tok')?.groups).toContain('system:masters');
    expect(auth('Bearer tok-a')?.user).toBe('alice');
    expect(auth('Bearer nope')).toBeUndefined();
    expect(auth(undefined)).toBeUndefined();
  });

  it('stays single-user without any token', () => {
    const auth = localAuthenticator({ owner: 'me', bootstrapAdminGroup: 'system:masters' });
    expect(auth(undefined)).toEqual({ user: 'me', groups: ['system:masters', 'system:authenticated'] });
  });
});
