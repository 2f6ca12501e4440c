import { App, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { ALL_FUNCTIONS, JWT, synthPorch } from './synth-app.js';

type Resources = Record<
  string,
  { Type: string; Properties: any; DeletionPolicy?: string; UpdateReplacePolicy?: string }
>;

// The apps of this file: defaults; only stateless settings changed; the provisioned-instance option with everything
// else switched; Aurora behind an RDS Proxy without deletion protection.
const defaults = synthPorch();
const statelessChanged = synthPorch({
  ...JWT,
  syncRateMinutes: '30',
  syncConcurrency: '2',
  throttleRateLimit: '5',
  throttleBurstLimit: '9',
  gitSecretPrefix: 'elsewhere/',
});
const instance = synthPorch({
  ...JWT,
  database: 'instance',
  instanceType: 't4g.small',
  rdsProxy: 'true',
  nat: 'instance',
  deletionProtection: 'false',
});
const auroraProxy = synthPorch({ rdsProxy: 'true', deletionProtection: 'false' });
const variants = { defaults, statelessChanged, instance, auroraProxy };

const resources = defaults.stateful.toJSON().Resources as Resources;
const of = (type: string, r: Resources = resources) => Object.entries(r).filter(([, x]) => x.Type === type);

/** Logical IDs of the VPC's subnets of one kind (CDK tags each with aws-cdk:subnet-type). */
const subnetsOfType = (type: 'Public' | 'Private' | 'Isolated') =>
  of('AWS::EC2::Subnet')
    .filter(([, r]) => r.Properties.Tags.some((tag: any) => tag.Key === 'aws-cdk:subnet-type' && tag.Value === type))
    .map(([id]) => id);

describe('database (Aurora Serverless v2, default)', () => {
  it('is an encrypted Aurora PostgreSQL Serverless v2 cluster with the configured capacity, retained and protected', () => {
    const [[, cluster]] = of('AWS::RDS::DBCluster');
    expect(cluster.Properties).toMatchObject({
      Engine: 'aurora-postgresql',
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 4 },
      StorageEncrypted: true,
      DeletionProtection: true,
      DatabaseName: 'porch',
      BackupRetentionPeriod: 7,
    });
    expect([cluster.DeletionPolicy, cluster.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
    const writers = of('AWS::RDS::DBInstance');
    expect(writers).toHaveLength(1);
    expect(writers[0][1].Properties).toMatchObject({ DBInstanceClass: 'db.serverless', PubliclyAccessible: false });
  });

  it('lives only in the isolated subnets, whose route tables lead nowhere', () => {
    const [[, group]] = of('AWS::RDS::DBSubnetGroup');
    const isolated = subnetsOfType('Isolated');
    expect(isolated).toHaveLength(2);
    expect(group.Properties.SubnetIds).toEqual(isolated.map((id) => ({ Ref: id })));
    const isolatedTables = of('AWS::EC2::SubnetRouteTableAssociation')
      .filter(([, a]) => isolated.includes(a.Properties.SubnetId.Ref))
      .map(([, a]) => a.Properties.RouteTableId.Ref);
    expect(isolatedTables).toHaveLength(2);
    for (const [id, route] of of('AWS::EC2::Route'))
      expect(isolatedTables, id).not.toContain(route.Properties.RouteTableId.Ref);
  });

  it('accepts PostgreSQL only from the client security group, and no ingress from any CIDR', () => {
    const [[, cluster]] = of('AWS::RDS::DBCluster');
    const serverGroup = cluster.Properties.VpcSecurityGroupIds[0]['Fn::GetAtt'][0];
    const ingress = of('AWS::EC2::SecurityGroupIngress').filter(
      ([, r]) => r.Properties.GroupId['Fn::GetAtt'][0] === serverGroup,
    );
    expect(ingress).toHaveLength(1);
    expect(ingress[0][1].Properties).toMatchObject({
      IpProtocol: 'tcp',
      FromPort: 5432,
      ToPort: 5432,
      SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/^DatabaseClientSecurityGroup/), 'GroupId'] },
    });
    for (const [id, group] of of('AWS::EC2::SecurityGroup'))
      expect(group.Properties.SecurityGroupIngress, id).toBeUndefined();
  });

  it('exports PostgreSQL logs into a log group with retention, created before the database under a fixed name', () => {
    const [[clusterId, cluster]] = of('AWS::RDS::DBCluster');
    expect(cluster.Properties.EnableCloudwatchLogsExports).toEqual(['postgresql']);
    expect(cluster.Properties.DBClusterIdentifier).toBe('porchserverless-stateful-database');
    const logs = of('AWS::Logs::LogGroup').find(
      ([, g]) => g.Properties.LogGroupName === '/aws/rds/cluster/porchserverless-stateful-database/postgresql',
    );
    expect(logs?.[1].Properties.RetentionInDays).toBe(30);
    expect((resources[clusterId] as any).DependsOn).toContain(logs![0]);
    for (const [id, group] of of('AWS::Logs::LogGroup')) expect(group.Properties.RetentionInDays, id).toBe(30);
    expect(of('Custom::LogRetention')).toEqual([]);
  });

  it('protects the stateful stack from deletion while deletion protection is on', () => {
    expect(defaults.stacks.stateful.terminationProtection).toBe(true);
    expect(auroraProxy.stacks.stateful.terminationProtection).toBe(false);
  });

  it('keeps generated credentials in Secrets Manager, retained with the database', () => {
    const secrets = of('AWS::SecretsManager::Secret');
    expect(secrets).toHaveLength(1);
    expect(secrets[0][1].Properties.GenerateSecretString).toMatchObject({
      GenerateStringKey: 'password',
      SecretStringTemplate: '{"username":"porch_admin"}',
    });
    expect(secrets[0][1].DeletionPolicy).toBe('Retain');
    expect(of('AWS::SecretsManager::ResourcePolicy')).toEqual([]);
  });

  it('lets every function, and no other role, read the database secret, and tells each where it is', () => {
    const stateless = defaults.stateless.toJSON().Resources as Resources;
    const readers = of('AWS::IAM::Policy', stateless)
      .filter(([, p]) =>
        p.Properties.PolicyDocument.Statement.some(
          (s: any) =>
            JSON.stringify(s.Resource).includes('DatabaseCredentialsAttachment') &&
            [s.Action].flat().includes('secretsmanager:GetSecretValue'),
        ),
      )
      .map(([, p]) => p.Properties.Roles[0].Ref as string);
    const roleOf = (fn: string) => stateless[defaults.functionId(fn)].Properties.Role['Fn::GetAtt'][0];
    expect(readers.sort()).toEqual(ALL_FUNCTIONS.map(roleOf).sort());
    expect(of('AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p).includes('secretsmanager'))).toEqual([]);
    for (const fn of ALL_FUNCTIONS) {
      expect(stateless[defaults.functionId(fn)].Properties.Environment.Variables, fn).toMatchObject({
        DATABASE_SECRET_ARN: { 'Fn::ImportValue': expect.stringMatching(/DatabaseCredentialsAttachment/) },
        DATABASE_SSL: 'verify',
      });
    }
  });

  it('runs the functions in the private subnets with egress (one NAT), in the client security group', () => {
    const stateless = defaults.stateless.toJSON().Resources as Resources;
    for (const fn of ALL_FUNCTIONS) {
      const vpc = stateless[defaults.functionId(fn)].Properties.VpcConfig;
      expect(vpc.SecurityGroupIds, fn).toEqual([
        { 'Fn::ImportValue': expect.stringMatching(/DatabaseClientSecurityGroup/) },
      ]);
      expect(JSON.stringify(vpc.SubnetIds), fn).toMatch(/FunctionsSubnet1.*FunctionsSubnet2/);
    }
    expect(subnetsOfType('Private').every((id) => id.includes('Functions'))).toBe(true);
    defaults.stateful.resourceCountIs('AWS::EC2::NatGateway', 1);
    defaults.stateful.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'REJECT', ResourceType: 'VPC' });
  });
});

describe('database options', () => {
  it('provisions one RDS PostgreSQL instance, snapshotted on delete, when database=instance, deletionProtection=false', () => {
    const t = instance.stateful;
    t.resourceCountIs('AWS::RDS::DBCluster', 0);
    t.hasResource('AWS::RDS::DBInstance', {
      Properties: Match.objectLike({
        Engine: 'postgres',
        DBInstanceClass: 'db.t4g.small',
        PubliclyAccessible: false,
        MultiAZ: false,
        StorageEncrypted: true,
        DeletionProtection: false,
        DBName: 'porch',
      }),
      DeletionPolicy: 'Snapshot',
    });
    t.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
  });

  it('puts an RDS Proxy (TLS required) between functions and database when rdsProxy=true', () => {
    auroraProxy.stateful.hasResourceProperties('AWS::RDS::DBProxy', { EngineFamily: 'POSTGRESQL', RequireTLS: true });
    const stateless = auroraProxy.stateless.toJSON().Resources as Resources;
    for (const fn of ALL_FUNCTIONS) {
      expect(stateless[auroraProxy.functionId(fn)].Properties.Environment.Variables.DATABASE_HOST, fn).toEqual({
        'Fn::ImportValue': expect.stringMatching(/DatabaseProxy/),
      });
    }
    const ingress = of('AWS::EC2::SecurityGroupIngress', auroraProxy.stateful.toJSON().Resources)
      .map(
        ([, r]) => `${r.Properties.SourceSecurityGroupId['Fn::GetAtt'][0]} -> ${r.Properties.GroupId['Fn::GetAtt'][0]}`,
      )
      .map((rule) => rule.replace(/[0-9A-F]{8}/g, ''));
    expect(ingress.sort()).toEqual([
      'DatabaseClientSecurityGroup -> DatabaseProxySecurityGroup',
      'DatabaseProxySecurityGroup -> DatabaseSecurityGroup',
    ]);
  });

  it('uses a NAT instance instead of a NAT gateway when nat=instance', () => {
    instance.stateful.resourceCountIs('AWS::EC2::NatGateway', 0);
    instance.stateful.hasResourceProperties('AWS::EC2::Instance', { InstanceType: 't4g.nano', SourceDestCheck: false });
  });
});

/**
 * Logical IDs of the resources that hold data or are referenced by it. A refactor that changes one makes
 * CloudFormation replace the resource (a new, empty database): this list must only change on purpose.
 */
const PINNED: Record<string, string> = {
  NetworkVpc7FB7348F: 'AWS::EC2::VPC',
  NetworkVpcDatabaseSubnet1Subnet75A30C75: 'AWS::EC2::Subnet',
  NetworkVpcDatabaseSubnet2Subnet7C7CA9F8: 'AWS::EC2::Subnet',
  DatabaseClientSecurityGroup21D2B2F3: 'AWS::EC2::SecurityGroup',
  DatabaseSecurityGroup5C91FDCB: 'AWS::EC2::SecurityGroup',
  DatabaseCredentials24F58BE6: 'AWS::SecretsManager::Secret',
  DatabaseCredentialsAttachment15FFA803: 'AWS::SecretsManager::SecretTargetAttachment',
  DatabaseClusterSubnets5540150D: 'AWS::RDS::DBSubnetGroup',
  DatabaseCluster5B53A178: 'AWS::RDS::DBCluster',
  DatabaseClusterWriterD43085C6: 'AWS::RDS::DBInstance',
};

describe('stateful logical IDs', () => {
  it('keep the pinned IDs of the network, secret and database', () => {
    expect(Object.fromEntries(Object.keys(PINNED).map((id) => [id, resources[id]?.Type]))).toEqual(PINNED);
  });

  it('stay, with the whole stateful stack, when only stateless settings change', () => {
    expect(JSON.stringify(statelessChanged.stateless.toJSON())).not.toEqual(
      JSON.stringify(defaults.stateless.toJSON()),
    );
    expect(statelessChanged.stateful.toJSON()).toEqual(defaults.stateful.toJSON());
  });

  it('stay when an RDS Proxy is added', () => {
    const withProxy = auroraProxy.stateful.toJSON().Resources as Resources;
    for (const [id, type] of Object.entries(PINNED)) expect(withProxy[id]?.Type, id).toBe(type);
  });
});

describe('whole app', () => {
  it.each(Object.keys(variants))('%s: cdk-nag AwsSolutions reports no unacknowledged finding', (name) => {
    const report = new AwsSolutionsChecks().validateScope(variants[name as keyof typeof variants].app);
    expect(
      report.violations.map(
        (v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      ),
    ).toEqual([]);
  });

  it('cdk-nag reports what is not acknowledged (the check can fail)', () => {
    const app = new App();
    new Queue(new Stack(app, 'Plain'), 'Queue');
    expect(
      new AwsSolutionsChecks()
        .validateScope(app)
        .violations.map((v) => v.ruleName)
        .sort(),
    ).toEqual(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']);
  });

  it.each(Object.keys(variants))('%s: no wildcard action anywhere, no Allow of a wildcard action on "*"', (name) => {
    const { stateful, stateless } = variants[name as keyof typeof variants];
    for (const template of [stateful, stateless]) {
      for (const [id, r] of Object.entries(template.toJSON().Resources as Resources)) {
        const docs =
          r.Type === 'AWS::IAM::Policy'
            ? [r.Properties.PolicyDocument]
            : r.Type === 'AWS::IAM::Role'
              ? (r.Properties.Policies ?? []).map((p: any) => p.PolicyDocument)
              : [];
        for (const s of docs.flatMap((d: any) => d.Statement)) {
          const actions: string[] = [s.Action].flat();
          for (const action of actions) expect(action, id).not.toMatch(/^\*$|:\*$/);
          if (s.Effect === 'Allow' && [s.Resource].flat().includes('*'))
            expect(
              actions.some((a) => a.includes('*')),
              id,
            ).toBe(false);
        }
      }
    }
  });
});
