import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { migrate } from '../lib/db/migrate.js';
import { getDatabase, type Database } from '../lib/db/pool.js';
import { logger } from '../lib/log.js';

/** Same id on every create and update, so CloudFormation never sees a replacement (and never sends a Delete). */
const PHYSICAL_ID = 'porch-serverless-migrations';
/** A paused Aurora Serverless v2 cluster (minCapacity 0) takes ~15 s to resume; a fresh one may still be starting. */
const CONNECT_DEADLINE_MS = 3 * 60_000;
const CONNECT_RETRY_MS = 5_000;

/** Opens the database, retrying while it cannot be reached; SQL errors are never retried. */
async function connect(): Promise<Database> {
  const deadline = Date.now() + CONNECT_DEADLINE_MS;
  for (;;) {
    try {
      return await getDatabase();
    } catch (err) {
      if (Date.now() + CONNECT_RETRY_MS > deadline) throw err;
      logger.warn('database not reachable yet, retrying', { error: (err as Error).message });
      await new Promise((resolve) => setTimeout(resolve, CONNECT_RETRY_MS));
    }
  }
}

/**
 * CloudFormation custom resource (CDK Provider framework) that applies pending migrations at deploy time. A throw
 * fails the resource and rolls the deployment back; deleting the stack leaves the schema alone.
 */
export async function handler(event: CloudFormationCustomResourceEvent) {
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  const applied = await migrate(await connect());
  logger.info('migrations applied', { applied });
  return { PhysicalResourceId: PHYSICAL_ID, Data: { Applied: String(applied.length) } };
}
