/** CDK template assertions for the event bus, the relay and the watch function URL. */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { JWT, synthPorch } from '../infra/synth-app.js';

const jwt = synthPorch({ ...JWT });
const iam = synthPorch();
const t = jwt.stateless;

describe('event bus and relay', () => {
  it('creates the bus and lets only the relay put events on it, telling it the bus name', () => {
    t.resourceCountIs('AWS::Events::EventBus', 1);
    const relay = jwt.functionId('event-relay');
    const [busId] = Object.keys(t.findResources('AWS::Events::EventBus'));
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ EVENT_BUS_NAME: { Ref: busId } }) },
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'events:PutEvents', Resource: { 'Fn::GetAtt': [busId, 'Arn'] } }),
        ]),
      },
    });
    const fn = t.toJSON().Resources[relay].Properties;
    expect(fn.ReservedConcurrentExecutions).toBe(1);
  });

  it('runs the relay every minute from EventBridge Scheduler', () => {
    t.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 minute)',
      Target: { Arn: { 'Fn::GetAtt': [jwt.functionId('event-relay'), 'Arn'] } },
    });
  });
});

describe('watch function URL', () => {
  it('streams responses; with JWT auth the URL is open and the function checks the API issuer and audience', () => {
    t.hasResourceProperties('AWS::Lambda::Url', {
      TargetFunctionArn: { 'Fn::GetAtt': [jwt.functionId('watch'), 'Arn'] },
      InvokeMode: 'RESPONSE_STREAM',
      AuthType: 'NONE',
    });
    const fn = t.toJSON().Resources[jwt.functionId('watch')].Properties;
    expect(fn.Environment.Variables).toMatchObject({ JWT_ISSUER: JWT.jwtIssuer, JWT_AUDIENCE: JWT.jwtAudience });
    expect(fn.Timeout).toBe(900);
    t.hasOutput('*', { Description: Match.stringLikeRegexp('kubeconfig server for reads and watches') });
  });

  it("the issuer's JWKS URI, when given as context jwtJwksUri, reaches the watch function", () => {
    expect(t.toJSON().Resources[jwt.functionId('watch')].Properties.Environment.Variables.JWT_JWKS_URI).toBeUndefined();
    const keys = synthPorch({ ...JWT, jwtJwksUri: 'https://keys.example.com/oauth2/v1/keys' });
    const fn = keys.stateless.toJSON().Resources[keys.functionId('watch')].Properties;
    expect(fn.Environment.Variables).toMatchObject({
      JWT_ISSUER: JWT.jwtIssuer,
      JWT_JWKS_URI: 'https://keys.example.com/oauth2/v1/keys',
    });
    expect(() => synthPorch({ ...JWT, jwtJwksUri: 'http://keys.example.com/keys' })).toThrow(/jwtJwksUri/);
  });

  it('with IAM auth the URL requires SigV4 and the function gets no JWT settings', () => {
    iam.stateless.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM', InvokeMode: 'RESPONSE_STREAM' });
    const fn = iam.stateless.toJSON().Resources[iam.functionId('watch')].Properties;
    expect(fn.Environment.Variables.JWT_ISSUER).toBeUndefined();
  });
});
