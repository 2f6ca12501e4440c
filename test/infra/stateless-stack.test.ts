import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { routeKey, routes } from '../../lib/http/routes.js';
import { migrationsDigest } from '../../infra/constructs/migrations.js';
import { ALL_FUNCTIONS, API_FUNCTIONS, JWT, synthPorch } from './synth-app.js';

type Resources = Record<string, { Type: string; Properties: any; DependsOn?: string[] }>;
type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

// Two apps for the whole file: every setting changed from its default, and all defaults (IAM auth).
const configured = synthPorch({
  ...JWT,
  syncRateMinutes: '15',
  syncConcurrency: '7',
  throttleRateLimit: '20',
  throttleBurstLimit: '40',
  logRetentionDays: '90',
  gitSecretPrefix: 'team-a/git-creds/',
});
const defaults = synthPorch();
const t = configured.stateless;
const resources = t.toJSON().Resources as Resources;
const fnId = configured.functionId;
const of = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

describe('HTTP API', () => {
  const routeResources = of('AWS::ApiGatewayV2::Route').map(([, r]) => r);
  const integrationOf = (fn: string) => {
    const found = of('AWS::ApiGatewayV2::Integration').filter(
      ([, r]) => JSON.stringify(r.Properties.IntegrationUri) === JSON.stringify({ 'Fn::GetAtt': [fnId(fn), 'Arn'] }),
    );
    expect(found, `integrations of ${fn}`).toHaveLength(1);
    return found[0][0];
  };

  it('has exactly one route per route-table entry', () => {
    expect(routeResources.map((r) => r.Properties.RouteKey).sort()).toEqual(routes.map(routeKey).sort());
    expect(routeResources.map((r) => r.Properties.RouteKey)).toContain('$default');
  });

  it.each(routes.map((r) => [routeKey(r), r] as const))('%s goes to its function', (key, route) => {
    const resource = routeResources.find((r) => r.Properties.RouteKey === key)!;
    expect(resource.Properties.Target).toEqual({
      'Fn::Join': ['', ['integrations/', { Ref: integrationOf(route.fn) }]],
    });
  });

  it('uses one payload 2.0 proxy integration per function, each allowed to invoke only its function from this API', () => {
    expect(of('AWS::ApiGatewayV2::Integration')).toHaveLength(API_FUNCTIONS.length);
    for (const fn of API_FUNCTIONS) {
      expect(resources[integrationOf(fn)].Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
      });
      t.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'apigateway.amazonaws.com',
        FunctionName: { 'Fn::GetAtt': [fnId(fn), 'Arn'] },
        SourceArn: Match.objectLike({
          'Fn::Join': ['', Match.arrayWith([{ Ref: Match.stringLikeRegexp('^HttpApi') }, '/*/*/*'])],
        }),
      });
    }
  });

  it('sends unmatched requests ($default) to the discovery function, behind the authorizer so nobody probes unauthenticated', () => {
    const catchAll = routeResources.find((r) => r.Properties.RouteKey === '$default')!;
    expect(catchAll.Properties.Target).toEqual({
      'Fn::Join': ['', ['integrations/', { Ref: integrationOf('discovery') }]],
    });
    expect(catchAll.Properties.AuthorizationType).toBe('JWT');
    const iamCatchAll = Object.values(
      defaults.stateless.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: '$default' } }),
    );
    expect(iamCatchAll.map((r: any) => r.Properties.AuthorizationType)).toEqual(['AWS_IAM']);
  });

  it('puts the JWT authorizer (issuer and audience from config) on every route but /healthz', () => {
    const [[authorizerId]] = of('AWS::ApiGatewayV2::Authorizer');
    t.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    t.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: JWT.jwtIssuer, Audience: [JWT.jwtAudience] },
    });
    for (const r of routeResources) {
      const expected =
        r.Properties.RouteKey === 'GET /healthz'
          ? { AuthorizationType: 'NONE', AuthorizerId: undefined }
          : { AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizerId } };
      expect(
        { AuthorizationType: r.Properties.AuthorizationType, AuthorizerId: r.Properties.AuthorizerId },
        r.Properties.RouteKey,
      ).toEqual(expected);
    }
    expect(routes.filter((r) => !r.auth).map((r) => r.path)).toEqual(['/healthz']);
  });

  it('uses SigV4 (AWS_IAM) on every route but /healthz when no issuer is configured', () => {
    defaults.stateless.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
    for (const r of Object.values(
      defaults.stateless.findResources('AWS::ApiGatewayV2::Route'),
    ) as Resources[string][]) {
      expect(r.Properties.AuthorizationType, r.Properties.RouteKey).toBe(
        r.Properties.RouteKey === 'GET /healthz' ? 'NONE' : 'AWS_IAM',
      );
    }
  });

  it('throttles the $default stage and writes JSON access logs', () => {
    const [[, stage]] = of('AWS::ApiGatewayV2::Stage');
    expect(stage.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
    });
    expect(resources[stage.Properties.AccessLogSettings.DestinationArn['Fn::GetAtt'][0]].Type).toBe(
      'AWS::Logs::LogGroup',
    );
    expect(JSON.parse(stage.Properties.AccessLogSettings.Format)).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
    });
    t.hasOutput('ApiUrl', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HttpApi'), 'ApiEndpoint'] } });
  });

  it('gives approval (publish to git) a longer timeout and more memory than the other API functions', () => {
    const approval = resources[fnId('approval')].Properties;
    for (const fn of API_FUNCTIONS.filter((f) => f !== 'approval')) {
      expect(approval.Timeout, fn).toBeGreaterThan(resources[fnId(fn)].Properties.Timeout);
      expect(approval.MemorySize, fn).toBeGreaterThan(resources[fnId(fn)].Properties.MemorySize);
    }
  });
});

describe('Lambda defaults', () => {
  it.each(ALL_FUNCTIONS)('%s runs Node 22 on arm64 with JSON logs, source maps and index.handler', (fn) => {
    expect(resources[fnId(fn)].Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } },
      Environment: { Variables: expect.objectContaining({ NODE_OPTIONS: '--enable-source-maps' }) },
    });
  });

  it('gives every log group (functions, provider, access logs) the configured retention, set on the group itself', () => {
    const groups = of('AWS::Logs::LogGroup');
    expect(groups.length).toBe(ALL_FUNCTIONS.length + 2);
    for (const [id, group] of groups) expect(group.Properties.RetentionInDays, id).toBe(90);
    for (const fn of ALL_FUNCTIONS)
      expect(resources[resources[fnId(fn)].Properties.LoggingConfig.LogGroup.Ref].Type).toBe('AWS::Logs::LogGroup');
    expect(of('Custom::LogRetention')).toEqual([]);
  });
});

describe('scheduled sync', () => {
  const [[queueId]] = of('AWS::SQS::Queue');
  const queueArn = { 'Fn::GetAtt': [queueId, 'Arn'] };
  const fanout = fnId('sync-fanout');
  const sync = fnId('sync-repository');

  it('schedules the fan-out at the configured rate, with bounded retries and the failure queue', () => {
    t.resourceCountIs('AWS::Scheduler::Schedule', 2); // sync fan-out and event relay
    t.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(15 minutes)',
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [fanout, 'Arn'] },
        RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('ScheduleRole'), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 900 },
        DeadLetterConfig: { Arn: queueArn },
      },
    });
    defaults.stateless.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(5 minutes)' });
  });

  it('lets only the scheduler, on behalf of this account, assume the schedule role', () => {
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ],
      },
    });
  });

  it('invokes the per-repository sync asynchronously with bounded retries and an SQS failure destination', () => {
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: sync },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: queueArn } },
    });
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fanout },
      MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: queueArn } },
    });
  });

  it('reserves concurrency on the sync function so a storm cannot exhaust database connections', () => {
    expect(resources[sync].Properties.ReservedConcurrentExecutions).toBe(7);
    expect(resources[fanout].Properties.ReservedConcurrentExecutions).toBe(1);
  });

  it('tells the fan-out and the repositories function which function to invoke', () => {
    expect(resources[fanout].Properties.Environment.Variables.SYNC_FUNCTION_NAME).toEqual({ Ref: sync });
    expect(resources[fnId('repositories')].Properties.Environment.Variables.SYNC_FUNCTION_NAME).toEqual({ Ref: sync });
  });

  it('keeps failed events 14 days in an encrypted queue that refuses plain HTTP', () => {
    t.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    t.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('migrations at deploy time', () => {
  const [[migrationsId, migrations]] = of('Custom::PorchMigrations');

  it('is a Provider-framework custom resource whose handler is functions/migrate.ts, rerun when the SQL changes', () => {
    const frameworkId = migrations.Properties.ServiceToken['Fn::GetAtt'][0];
    expect(resources[frameworkId].Properties.Environment.Variables.USER_ON_EVENT_FUNCTION_ARN).toEqual({
      'Fn::GetAtt': [fnId('migrate'), 'Arn'],
    });
    expect(migrations.Properties.MigrationsDigest).toBe(migrationsDigest());
    expect(resources[fnId('migrate')].Properties.Environment.Variables.MIGRATIONS_DIR).toBe('/var/task/migrations');
  });

  it('orders the API (api, routes, integrations, authorizer, stage) after the migrations', () => {
    const api = Object.entries(resources).filter(([, r]) => r.Type.startsWith('AWS::ApiGatewayV2::'));
    expect(new Set(api.map(([, r]) => r.Type))).toEqual(
      new Set([
        'AWS::ApiGatewayV2::Api',
        'AWS::ApiGatewayV2::Route',
        'AWS::ApiGatewayV2::Integration',
        'AWS::ApiGatewayV2::Authorizer',
        'AWS::ApiGatewayV2::Stage',
      ]),
    );
    for (const [id, r] of api) expect(r.DependsOn ?? [], id).toContain(migrationsId);
  });

  it('orders every function that reads the schema after the migrations, and the migrate function before', () => {
    for (const fn of ALL_FUNCTIONS.filter((f) => f !== 'migrate'))
      expect(resources[fnId(fn)].DependsOn ?? [], fn).toContain(migrationsId);
    expect(resources[fnId('migrate')].DependsOn ?? []).not.toContain(migrationsId);
  });
});

describe('least privilege', () => {
  const roleOf = (fn: string) => resources[fnId(fn)].Properties.Role['Fn::GetAtt'][0] as string;
  const statementsOf = (fn: string): Statement[] =>
    of('AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleOf(fn)))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
  const gitReaders = ['package-revisions', 'approval', 'sync-repository'];

  it('grants each function only what it uses', () => {
    const db = 'secretsmanager:GetSecretValue,secretsmanager:DescribeSecret';
    const git = 'secretsmanager:GetSecretValue';
    const invoke = 'lambda:InvokeFunction';
    const dlq = 'sqs:SendMessage,sqs:GetQueueAttributes,sqs:GetQueueUrl';
    const summary = Object.fromEntries(
      ALL_FUNCTIONS.map((fn) => [
        fn,
        statementsOf(fn)
          .map((s) => [s.Action].flat().join(','))
          .sort(),
      ]),
    );
    expect(summary).toEqual({
      discovery: [db],
      repositories: [invoke, db].sort(),
      packages: [db],
      'package-revisions': [db, git].sort(),
      'package-revision-resources': [db],
      approval: [db, git].sort(),
      rbac: [db],
      'sync-fanout': [invoke, db, dlq].sort(),
      'sync-repository': [db, git, dlq].sort(),
      migrate: [db],
      'event-relay': [db, 'events:PutEvents'].sort(),
      watch: [db],
    });
  });

  it('scopes each grant to its resource: the sync function, the failure queue, secrets under the git prefix', () => {
    for (const fn of ALL_FUNCTIONS) {
      for (const s of statementsOf(fn)) {
        const action = [s.Action].flat().join(',');
        const resource = JSON.stringify(s.Resource);
        if (action === 'lambda:InvokeFunction')
          expect(s.Resource, fn).toEqual({ 'Fn::GetAtt': [fnId('sync-repository'), 'Arn'] });
        if (action.startsWith('sqs:'))
          expect(s.Resource, fn).toEqual({ 'Fn::GetAtt': [of('AWS::SQS::Queue')[0][0], 'Arn'] });
        if (action === 'secretsmanager:GetSecretValue') expect(resource, fn).toContain(':secret:team-a/git-creds/*');
        if (action.includes('DescribeSecret')) expect(resource, fn).toMatch(/DatabaseCredentialsAttachment/);
      }
      expect(resources[fnId(fn)].Properties.Environment.Variables.GIT_SECRET_PREFIX, fn).toBe(
        gitReaders.includes(fn) ? 'team-a/git-creds/' : undefined,
      );
      // Each git request gives up before the function does, so a slow host yields a 503, not a Lambda timeout.
      const gitTimeout = Number(resources[fnId(fn)].Properties.Environment.Variables.GIT_TIMEOUT_MS);
      const gitDeadline = Number(resources[fnId(fn)].Properties.Environment.Variables.GIT_DEADLINE_MS);
      if (gitReaders.includes(fn)) {
        expect(gitTimeout, fn).toBeLessThan(resources[fnId(fn)].Properties.Timeout * 1000);
        expect(gitDeadline, fn).toBeLessThan(resources[fnId(fn)].Properties.Timeout * 1000);
      } else expect(gitTimeout, fn).toBeNaN();
    }
    expect(JSON.stringify(defaults.stateless.toJSON())).toContain(':secret:porch-serverless/git/*');
  });
});
