import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { migrate } from '../lib/db/migrate.js';
import { getDatabase } from '../lib/db/pool.js';

/** Same id on every create and update, so CloudFormation never sees a replacement (and never sends a Delete). */
const PHYSICAL_ID = 'porch-serverless-migrations';

/**
 * CloudFormation custom resource (CDK Provider framework) that applies pending migrations at deploy time. A throw
 * fails the resource and rolls the deployment back; deleting the stack leaves the schema alone.
 */
export async function handler(event: CloudFormationCustomResourceEvent) {
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  const applied = await migrate(await getDatabase());
  console.log(JSON.stringify({ level: 'info', msg: 'migrations applied', applied }));
  return { PhysicalResourceId: PHYSICAL_ID, Data: { Applied: String(applied.length) } };
}
