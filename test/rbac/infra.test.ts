import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { parseInfraConfig } from '../../infra/config.js';
import { API_FUNCTIONS, JWT, synthPorch } from '../infra/synth-app.js';

const configured = synthPorch({
  ...JWT,
  oidcUsernameClaim: 'email',
  oidcUsernamePrefix: 'oidc:',
  oidcGroupsClaim: 'cognito:groups',
  oidcGroupsPrefix: 'oidc:',
  bootstrapAdminGroup: 'oidc:porch-admins',
  bootstrapAdminUsers: 'arn:aws:iam::123456789012:role/ops, oidc:root',
});
const defaults = synthPorch();

const environmentOf = (app: typeof configured, fn: string) =>
  (app.stateless.toJSON().Resources as Record<string, any>)[app.functionId(fn)].Properties.Environment.Variables;

describe('identity settings in CDK context', () => {
  it.each([...API_FUNCTIONS, 'watch'])('reach the %s function, which runs the RBAC check', (fn) => {
    expect(environmentOf(configured, fn)).toMatchObject({
      OIDC_USERNAME_CLAIM: 'email',
      OIDC_USERNAME_PREFIX: 'oidc:',
      OIDC_GROUPS_CLAIM: 'cognito:groups',
      OIDC_GROUPS_PREFIX: 'oidc:',
      BOOTSTRAP_ADMIN_GROUP: 'oidc:porch-admins',
      BOOTSTRAP_ADMIN_USERS: 'arn:aws:iam::123456789012:role/ops,oidc:root',
    });
  });

  it("default to kube-apiserver's: sub with the issuer as prefix, groups, system:masters", () => {
    const env = environmentOf(defaults, 'package-revisions');
    expect(env).toMatchObject({
      OIDC_USERNAME_CLAIM: 'sub',
      OIDC_GROUPS_CLAIM: 'groups',
      BOOTSTRAP_ADMIN_GROUP: 'system:masters',
    });
    expect(env.OIDC_USERNAME_PREFIX).toBeUndefined();
    expect(env.OIDC_GROUPS_PREFIX).toBeUndefined();
  });

  it('refuses a claim name that is not one', () => {
    expect(() => parseInfraConfig((k) => (k === 'oidcGroupsClaim' ? 'groups; rm' : undefined))).toThrow(
      /oidcGroupsClaim/,
    );
  });

  it('keeps the JWT authorizer at API Gateway and cdk-nag clean', () => {
    const authorizers = Object.values(configured.stateless.toJSON().Resources as Record<string, any>).filter(
      (r) => r.Type === 'AWS::ApiGatewayV2::Authorizer',
    );
    expect(authorizers.map((a) => a.Properties.AuthorizerType)).toEqual(['JWT']);
    const report = new AwsSolutionsChecks().validateScope(configured.app);
    expect(
      report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
    ).toEqual([]);
  });
});
