import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { IVpc } from 'aws-cdk-lib/aws-ec2';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { Database, type DatabaseAccess, type DatabaseSettings } from './constructs/database.js';
import { Network, type NetworkProps } from './constructs/network.js';

export interface StatefulStackProps extends StackProps {
  database: DatabaseSettings;
  nat: NetworkProps['nat'];
  logRetention: RetentionDays;
}

/**
 * What must survive a redeploy: the VPC, the database and its credentials. It knows nothing of the functions, so
 * code changes never touch it; the stateless stack receives `vpc` and `database` through props.
 */
export class StatefulStack extends Stack {
  readonly vpc: IVpc;
  readonly database: DatabaseAccess;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    this.vpc = new Network(this, 'Network', { nat: props.nat, logRetention: props.logRetention }).vpc;
    this.database = new Database(this, 'Database', {
      ...props.database,
      vpc: this.vpc,
      logRetention: props.logRetention,
    }).access;
    new CfnOutput(this, 'DatabaseSecretArn', {
      value: this.database.secret.secretArn,
      description: 'Database credentials (JSON: host, port, username, password, dbname)',
    });
  }
}
