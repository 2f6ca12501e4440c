import { LoggingFormat } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { acknowledge } from '../nag.js';

/**
 * The logging every Lambda function of the project shares: JSON logs in a log group of its own (`<id>Logs`, beside
 * the function) kept for the configured retention.
 */
export function functionLogging(scope: Construct, id: string, retention: RetentionDays) {
  return {
    loggingFormat: LoggingFormat.JSON,
    logGroup: new LogGroup(scope, `${id}Logs`, { retention }),
  };
}

/** Records why a function's role may use the AWS-managed execution policies (cdk-nag IAM4). */
export function acknowledgeExecutionRole(fn: Construct): void {
  acknowledge(
    fn,
    'IAM4',
    'AWSLambdaBasicExecutionRole and AWSLambdaVPCAccessExecutionRole are the AWS-maintained minimum for logs and VPC network interfaces.',
    [
      'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole',
    ],
  );
}
