import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges a cdk-nag AwsSolutions rule on a construct and everything below it, with the reason in code. Rules
 * that report findings (IAM4, IAM5) need each finding named: `acknowledge(x, 'IAM5', why, ['Resource::…'])`.
 */
export function acknowledge(scope: IConstruct, rule: string, reason: string, findings?: string[]): void {
  const ids = findings ? findings.map((f) => `AwsSolutions-${rule}[${f}]`) : [`AwsSolutions-${rule}`];
  Validations.of(scope).acknowledge(...ids.map((id) => ({ id, reason })));
}
