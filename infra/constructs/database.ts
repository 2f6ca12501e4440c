import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { InstanceType, Port, SecurityGroup, SubnetType, type ISecurityGroup, type IVpc } from 'aws-cdk-lib/aws-ec2';
import {
  AuroraPostgresEngineVersion,
  ClusterInstance,
  Credentials,
  DatabaseCluster,
  DatabaseClusterEngine,
  DatabaseInstance,
  DatabaseInstanceEngine,
  DatabaseProxy,
  DatabaseSecret,
  PostgresEngineVersion,
  ProxyTarget,
  StorageType,
} from 'aws-cdk-lib/aws-rds';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { acknowledge } from '../nag.js';
import { Construct } from 'constructs';

/** What a stateless stack needs to reach the database; handed over through props. */
export interface DatabaseAccess {
  /** Generated credentials: JSON {host, port, username, password, dbname, engine}. */
  readonly secret: ISecret;
  /** Functions in this group may open connections to the database (or its proxy). */
  readonly clientSecurityGroup: ISecurityGroup;
  /** Host to connect to instead of the secret's `host`, when an RDS Proxy fronts the database. */
  readonly proxyEndpoint?: string;
}

/** The database choices of the deployment settings (`InfraConfig`), handed through the stateful stack unchanged. */
export interface DatabaseSettings {
  /** Aurora Serverless v2 PostgreSQL cluster, or one provisioned RDS PostgreSQL instance. */
  kind: 'aurora' | 'instance';
  /** Aurora Serverless v2 capacity range in ACUs (0 lets an idle cluster pause). */
  minCapacity: number;
  maxCapacity: number;
  /** Instance class of the provisioned option, e.g. `t4g.micro`. */
  instanceType: string;
  /** Standby in a second AZ for the provisioned option. */
  multiAz: boolean;
  /** Put an RDS Proxy between the functions and the database. */
  rdsProxy: boolean;
  /** Deletion protection on the database (true), or none and a final snapshot on stack delete (false). */
  deletionProtection: boolean;
}

export interface DatabaseProps extends DatabaseSettings {
  vpc: IVpc;
  /** Retention of the PostgreSQL log group that RDS creates. */
  logRetention: RetentionDays;
}

const DATABASE_NAME = 'porch';
const ADMIN_USER = 'porch_admin';

/**
 * PostgreSQL in the isolated subnets, reachable only from the client security group. Construct IDs here are the
 * logical IDs of stateful resources: renaming one replaces the database.
 */
export class Database extends Construct {
  readonly access: DatabaseAccess;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const { vpc } = props;
    const clients = new SecurityGroup(this, 'ClientSecurityGroup', {
      vpc,
      description: 'Functions that may connect to the porch database; egress for git hosts and AWS APIs',
      allowAllOutbound: true,
    });
    const server = new SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'The porch database: PostgreSQL from the client group only',
      allowAllOutbound: false,
    });
    const removalPolicy = props.deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.SNAPSHOT;
    // Our own secret (not one generated inside the cluster) so that it can be retained with the database: without
    // it a retained database cannot be logged into.
    const generated = new DatabaseSecret(this, 'Credentials', { username: ADMIN_USER });
    generated.applyRemovalPolicy(props.deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);
    const credentials = Credentials.fromSecret(generated);
    const subnets = { subnetType: SubnetType.PRIVATE_ISOLATED };

    // A fixed name: CloudFormation then refuses to replace the database (which would mean a new, empty one) rather
    // than doing it, and the PostgreSQL log group can be created beforehand with a retention.
    const identifier = `${Stack.of(this).stackName}-database`.toLowerCase();
    const postgresLogs = new LogGroup(this, 'PostgresLogs', {
      logGroupName: `/aws/rds/${props.kind === 'aurora' ? 'cluster' : 'instance'}/${identifier}/postgresql`,
      retention: props.logRetention,
      removalPolicy: props.deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    let secret: ISecret;
    let proxyTarget: ProxyTarget;
    let database: Construct;
    if (props.kind === 'aurora') {
      const cluster = new DatabaseCluster(this, 'Cluster', {
        clusterIdentifier: identifier,
        engine: DatabaseClusterEngine.auroraPostgres({ version: AuroraPostgresEngineVersion.VER_17_7 }),
        writer: ClusterInstance.serverlessV2('Writer', { publiclyAccessible: false }),
        serverlessV2MinCapacity: props.minCapacity,
        serverlessV2MaxCapacity: props.maxCapacity,
        credentials,
        defaultDatabaseName: DATABASE_NAME,
        vpc,
        vpcSubnets: subnets,
        securityGroups: [server],
        storageEncrypted: true,
        deletionProtection: props.deletionProtection,
        removalPolicy,
        backup: { retention: Duration.days(7) },
        cloudwatchLogsExports: ['postgresql'],
      });
      secret = cluster.secret!;
      proxyTarget = ProxyTarget.fromCluster(cluster);
      database = cluster;
    } else {
      const instance = new DatabaseInstance(this, 'Instance', {
        instanceIdentifier: identifier,
        engine: DatabaseInstanceEngine.postgres({ version: PostgresEngineVersion.VER_17_7 }),
        instanceType: new InstanceType(props.instanceType),
        multiAz: props.multiAz,
        allocatedStorage: 20,
        maxAllocatedStorage: 200,
        storageType: StorageType.GP3,
        credentials,
        databaseName: DATABASE_NAME,
        vpc,
        vpcSubnets: subnets,
        securityGroups: [server],
        publiclyAccessible: false,
        storageEncrypted: true,
        deletionProtection: props.deletionProtection,
        removalPolicy,
        backupRetention: Duration.days(7),
        cloudwatchLogsExports: ['postgresql'],
      });
      secret = instance.secret!;
      proxyTarget = ProxyTarget.fromInstance(instance);
      database = instance;
      if (!props.multiAz) {
        acknowledge(
          instance,
          'RDS3',
          'Single-AZ is the cheap option the operator chose (multiAz=false); published revisions are re-derivable from Git and backups are kept 7 days.',
        );
      }
    }

    database.node.addDependency(postgresLogs);

    let proxyEndpoint: string | undefined;
    if (props.rdsProxy) {
      const proxyGroup = new SecurityGroup(this, 'ProxySecurityGroup', {
        vpc,
        description: 'RDS Proxy in front of the porch database',
        allowAllOutbound: false,
      });
      // DatabaseProxy itself opens proxy → database on the database port.
      proxyGroup.addIngressRule(clients, Port.tcp(5432), 'functions to the proxy');
      const proxy = new DatabaseProxy(this, 'Proxy', {
        proxyTarget,
        secrets: [secret],
        vpc,
        vpcSubnets: subnets,
        securityGroups: [proxyGroup],
        requireTLS: true,
        // Sync holds a session advisory lock; the proxy pins such sessions, so idle ones must not linger.
        idleClientTimeout: Duration.minutes(5),
      });
      proxyEndpoint = proxy.endpoint;
    } else {
      server.addIngressRule(clients, Port.tcp(5432), 'functions to the database');
    }

    if (!props.deletionProtection) {
      acknowledge(
        this,
        'RDS10',
        'The operator turned deletion protection off (deletionProtection=false, e.g. a test environment); a final snapshot is still taken on delete.',
      );
    }
    acknowledge(
      this,
      'RDS6',
      'Functions authenticate with the generated secret; IAM database auth tokens would add a signing call per connection and a 200 connections/s cap.',
    );
    acknowledge(
      this,
      'RDS11',
      'A non-default port is obscurity, not a control: only the client security group can reach the database, in isolated subnets.',
    );
    acknowledge(
      this,
      'SMG4',
      'Each Lambda container reads the secret once and keeps its pool; single-user rotation would break those pools until they recycle. Rotate with a redeploy, or add multi-user rotation.',
    );

    this.access = { secret, clientSecurityGroup: clients, proxyEndpoint };
  }
}
