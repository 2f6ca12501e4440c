import { CustomResource, Duration, Stack } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { acknowledge } from '../nag.js';
import { Construct } from 'constructs';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseAccess } from './database.js';
import { grantDatabaseAccess } from './grants.js';
import { PROJECT_ROOT, ServiceFunction, type FunctionDefaults } from './service-function.js';

export interface MigrationsProps {
  defaults: FunctionDefaults;
  database: DatabaseAccess;
}

/** Where the bundle carries the SQL files; lib/db/migrate.ts reads MIGRATIONS_DIR. */
const BUNDLED_MIGRATIONS_DIR = '/var/task/migrations';

/** A digest of the migration files: when it changes, CloudFormation updates the resource and migrations run. */
export function migrationsDigest(dir = join(PROJECT_ROOT, 'migrations')): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.sql'))
    .sort()) {
    hash
      .update(name)
      .update('\0')
      .update(readFileSync(join(dir, name)))
      .update('\0');
  }
  return hash.digest('hex');
}

/**
 * Applies the database migrations at deploy time through a custom resource (Provider framework → the `migrate`
 * function → lib/db/migrate.ts). A failed migration fails the resource, so the deployment rolls back; whatever
 * must only run on a migrated schema depends on `resource`.
 */
export class Migrations extends Construct {
  readonly function: ServiceFunction;
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: MigrationsProps) {
    super(scope, id);
    this.function = new ServiceFunction(this, 'Migrate', {
      name: 'migrate',
      description: 'Applies pending database migrations (CloudFormation custom resource)',
      memorySize: 512,
      timeout: Duration.minutes(5),
      ...props.defaults,
      environment: { MIGRATIONS_DIR: BUNDLED_MIGRATIONS_DIR },
      afterBundling: (inputDir, outputDir) => [`cp -R "${inputDir}/migrations" "${outputDir}/migrations"`],
    });
    grantDatabaseAccess(this.function, props.database);

    const provider = new Provider(this, 'Provider', {
      onEventHandler: this.function,
      logGroup: new LogGroup(this, 'ProviderLogs', { retention: props.defaults.logRetention }),
    });
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::PorchMigrations',
      properties: { MigrationsDigest: migrationsDigest() },
    });
    acknowledge(provider, 'IAM4', 'The CDK Provider framework function logs with AWSLambdaBasicExecutionRole.', [
      'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    ]);
    acknowledge(
      provider,
      'IAM5',
      'The Provider framework may invoke the migrate function and its versions; nothing else.',
      [`Resource::<${Stack.of(this).getLogicalId(this.function.node.defaultChild as CfnFunction)}.Arn>:*`],
    );
    acknowledge(provider, 'L1', 'The Provider framework function runtime is chosen and maintained by aws-cdk-lib.');
  }
}
