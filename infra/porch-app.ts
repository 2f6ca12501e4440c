import type { App } from 'aws-cdk-lib';
import type { InfraConfig } from './config.js';
import { StatefulStack } from './stateful-stack.js';
import { StatelessStack } from './stateless-stack.js';

export interface PorchStacks {
  stateful: StatefulStack;
  stateless: StatelessStack;
}

/** Adds the two stacks of the service to an app, wired from one configuration. */
export function addPorchStacks(app: App, config: InfraConfig, options: { functionsDir?: string } = {}): PorchStacks {
  const stateful = new StatefulStack(app, `${config.stackPrefix}-Stateful`, {
    description: 'porch-serverless: VPC, PostgreSQL and its credentials (kept across deploys)',
    // With deletion protection on, `cdk destroy` must not be able to take the data's stack away either.
    terminationProtection: config.deletionProtection,
    database: {
      kind: config.database,
      minCapacity: config.minCapacity,
      maxCapacity: config.maxCapacity,
      instanceType: config.instanceType,
      multiAz: config.multiAz,
      rdsProxy: config.rdsProxy,
      deletionProtection: config.deletionProtection,
    },
    nat: config.nat,
    logRetention: config.logRetentionDays,
  });
  const stateless = new StatelessStack(app, `${config.stackPrefix}-Stateless`, {
    description: 'porch-serverless: functions, HTTP API, sync schedule, migrations',
    vpc: stateful.vpc,
    database: stateful.database,
    auth:
      config.authMode === 'jwt'
        ? { mode: 'jwt', issuer: config.jwtIssuer!, audience: config.jwtAudience, jwksUri: config.jwtJwksUri }
        : { mode: 'iam' },
    throttle: { rateLimit: config.throttleRateLimit, burstLimit: config.throttleBurstLimit },
    logRetention: config.logRetentionDays,
    syncRateMinutes: config.syncRateMinutes,
    syncConcurrency: config.syncConcurrency,
    gitSecretPrefix: config.gitSecretPrefix,
    identity: config.identity,
    krmFunctionImages: config.krmFunctionImages.map((image) => ({ image })),
    functionsDir: options.functionsDir,
  });
  return { stateful, stateless };
}
