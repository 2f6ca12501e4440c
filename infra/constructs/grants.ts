import { Arn, ArnFormat, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { acknowledge } from '../nag.js';
import type { DatabaseAccess } from './database.js';

/** Lets a function read the database secret and tells it where the secret is: grant and environment together. */
export function grantDatabaseAccess(fn: LambdaFunction, database: DatabaseAccess): void {
  database.secret.grantRead(fn);
  fn.addEnvironment('DATABASE_SECRET_ARN', database.secret.secretArn);
  // Encrypted and verified against the Amazon RDS authorities bundled with the function (lib/db/tls.ts).
  fn.addEnvironment('DATABASE_SSL', 'verify');
  if (database.proxyEndpoint) fn.addEnvironment('DATABASE_HOST', database.proxyEndpoint);
}

/**
 * Lets a function read Git credentials stored under `prefix` (the Repository's `spec.git.secretRef` names one) and
 * tells it the prefix. Secrets must use the default `aws/secretsmanager` key or grant Decrypt on their own key.
 */
export function grantGitSecretRead(fn: LambdaFunction, prefix: string): void {
  const stack = Stack.of(fn);
  const resource = Arn.format(
    {
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${prefix}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    },
    stack,
  );
  fn.addToRolePolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [resource] }));
  fn.addEnvironment('GIT_SECRET_PREFIX', prefix);
  acknowledge(
    fn,
    'IAM5',
    `Git credentials are created by operators after deploy under the documented prefix ${prefix}; the wildcard covers only that prefix.`,
    [`Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${prefix}*`],
  );
}

/** Lets `caller` invoke `target` (the exact function, no version wildcard) and tells it the target's name. */
export function grantInvoke(caller: LambdaFunction, target: LambdaFunction, envName: string): void {
  caller.addToRolePolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [target.functionArn] }));
  caller.addEnvironment(envName, target.functionName);
}
