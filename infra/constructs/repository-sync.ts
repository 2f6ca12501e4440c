import { Duration, Stack } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { acknowledge } from '../nag.js';
import { Construct } from 'constructs';
import type { DatabaseAccess } from './database.js';
import { grantDatabaseAccess, grantGitSecretRead, grantInvoke } from './grants.js';
import { ServiceFunction, type FunctionDefaults } from './service-function.js';

export interface RepositorySyncProps {
  defaults: FunctionDefaults;
  database: DatabaseAccess;
  rateMinutes: number;
  /** Reserved concurrency of the per-repository function: the most syncs that hold DB connections at once. */
  concurrency: number;
  gitSecretPrefix: string;
}

/** Name of the environment variable that tells a function which sync function to invoke. */
export const SYNC_FUNCTION_ENV = 'SYNC_FUNCTION_NAME';

/**
 * Scheduled sync: EventBridge Scheduler → fan-out (finds the due repositories) → one asynchronous invocation of the
 * per-repository sync each. Failed events, after bounded retries, land in one SQS queue an operator can inspect.
 */
export class RepositorySync extends Construct {
  readonly syncFunction: ServiceFunction;
  readonly fanoutFunction: ServiceFunction;
  readonly failures: Queue;
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: RepositorySyncProps) {
    super(scope, id);
    this.failures = new Queue(this, 'Failures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      this.failures,
      'SQS3',
      'This queue is itself the dead-letter destination of the sync functions and the schedule.',
    );
    const failed = new SqsDestination(this.failures);

    this.syncFunction = new ServiceFunction(this, 'SyncRepository', {
      name: 'sync-repository',
      description: 'Syncs one repository from git into the database (under its advisory TryLock)',
      memorySize: 2048,
      timeout: Duration.minutes(5),
      ...props.defaults,
      reservedConcurrentExecutions: props.concurrency,
    });
    grantDatabaseAccess(this.syncFunction, props.database);
    grantGitSecretRead(this.syncFunction, props.gitSecretPrefix);
    this.syncFunction.addEnvironment('GIT_TIMEOUT_MS', '60000');
    this.syncFunction.addEnvironment('GIT_DEADLINE_MS', '240000');
    // A duplicate or late event is harmless (the lock and the diff make sync idempotent), so two retries are safe;
    // an event older than an hour is superseded by later schedules.
    this.syncFunction.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(1), onFailure: failed });

    const period = Duration.minutes(props.rateMinutes);
    this.fanoutFunction = new ServiceFunction(this, 'SyncFanout', {
      name: 'sync-fanout',
      description: 'Finds the repositories due for sync and invokes one sync each, asynchronously',
      memorySize: 256,
      timeout: Duration.minutes(1),
      ...props.defaults,
      // One fan-out at a time: overlapping ticks would only invoke the same syncs twice.
      reservedConcurrentExecutions: 1,
    });
    grantDatabaseAccess(this.fanoutFunction, props.database);
    grantInvoke(this.fanoutFunction, this.syncFunction, SYNC_FUNCTION_ENV);
    // The next tick redoes a failed fan-out; retrying it would only pile up behind the schedule.
    this.fanoutFunction.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: period, onFailure: failed });

    const fanoutId = Stack.of(this).getLogicalId(this.fanoutFunction.node.defaultChild as CfnFunction);
    const scheduleRole = new Role(this, 'ScheduleRole', {
      description: 'EventBridge Scheduler invokes the sync fan-out',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    acknowledge(scheduleRole, 'IAM5', 'The scheduler may invoke the fan-out function and its versions; nothing else.', [
      `Resource::<${fanoutId}.Arn>:*`,
    ]);
    this.schedule = new Schedule(this, 'Schedule', {
      description: `Repository sync fan-out every ${props.rateMinutes} minute(s)`,
      schedule: ScheduleExpression.rate(period),
      target: new LambdaInvoke(this.fanoutFunction, {
        role: scheduleRole,
        retryAttempts: 2,
        maxEventAge: period,
        deadLetterQueue: this.failures,
      }),
    });
  }
}
