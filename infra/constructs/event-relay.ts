import { Duration, Stack } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.js';
import type { DatabaseAccess } from './database.js';
import { grantDatabaseAccess } from './grants.js';
import { ServiceFunction, type FunctionDefaults } from './service-function.js';

export interface EventRelayProps {
  defaults: FunctionDefaults;
  database: DatabaseAccess;
}

/**
 * Lifecycle events for other systems: the service's EventBridge bus and the relay that publishes the change log's
 * events to it every minute (and compacts the log). One relay at a time, so events stay in order.
 */
export class EventRelay extends Construct {
  readonly bus: EventBus;
  readonly relayFunction: ServiceFunction;
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: EventRelayProps) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', { description: 'porch-serverless lifecycle events (source porch.kpt.dev)' });
    this.relayFunction = new ServiceFunction(this, 'Relay', {
      name: 'event-relay',
      description: 'Publishes PackageRevision lifecycle and Repository sync events from the change log; compacts it',
      memorySize: 256,
      timeout: Duration.minutes(1),
      ...props.defaults,
      reservedConcurrentExecutions: 1,
    });
    grantDatabaseAccess(this.relayFunction, props.database);
    this.bus.grantPutEventsTo(this.relayFunction);
    this.relayFunction.addEnvironment('EVENT_BUS_NAME', this.bus.eventBusName);
    // The next tick resumes from the stored cursor; retrying a failed run would only overlap it.
    this.relayFunction.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(1) });

    const relayId = Stack.of(this).getLogicalId(this.relayFunction.node.defaultChild as CfnFunction);
    const role = new Role(this, 'ScheduleRole', {
      description: 'EventBridge Scheduler invokes the event relay',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    acknowledge(role, 'IAM5', 'The scheduler may invoke the relay function and its versions; nothing else.', [
      `Resource::<${relayId}.Arn>:*`,
    ]);
    this.schedule = new Schedule(this, 'Schedule', {
      description: 'Event relay and change-log compaction every minute',
      schedule: ScheduleExpression.rate(Duration.minutes(1)),
      target: new LambdaInvoke(this.relayFunction, { role, retryAttempts: 0, maxEventAge: Duration.minutes(1) }),
    });
  }
}
