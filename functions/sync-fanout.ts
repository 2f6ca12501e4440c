/** Scheduled (EventBridge) fan-out: starts an asynchronous sync of every repository that is due. */
import { config } from '../lib/config.js';
import { getDatabase } from '../lib/db/pool.js';
import { runSyncFanout, type FanoutResult } from '../lib/sync/run-sync-fanout.js';
import { lambdaInvoker } from '../lib/sync/sync-invoker.js';

const { syncFunctionName: functionName, syncFanoutConcurrency: concurrency } = config();

export const handler = async (): Promise<FanoutResult> => {
  if (!functionName) throw new Error('SYNC_FUNCTION_NAME is not set');
  return runSyncFanout(await getDatabase(), new Date(), lambdaInvoker(functionName), { concurrency });
};
