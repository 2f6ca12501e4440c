import { config } from '../config.js';
import { getDatabase, type Database } from '../db/pool.js';
import { logger } from '../log.js';
import type { RepositoryKey } from './sync-invoker.js';
import { defaultSyncDeps } from './default-sync-deps.js';
import { lambdaInvoker, type InvokeSync } from './sync-invoker.js';
import { syncRepository, type SyncDeps } from './sync-repository.js';

const running = new Set<Promise<unknown>>();

/**
 * Runs syncs in this process (local server): each invocation runs the sync to its end, so the fan-out's
 * concurrency bound holds; errors are logged, never thrown (the repository's status records them).
 */
export function inProcessInvoker(db: Database, deps: SyncDeps = defaultSyncDeps()): InvokeSync {
  return async (target: RepositoryKey) => {
    const run = syncRepository(db, target.namespace, target.name, deps).catch((err: unknown) =>
      logger.warn('in-process sync failed', { ...target, error: String(err) }),
    );
    running.add(run);
    try {
      await run;
    } finally {
      running.delete(run);
    }
  };
}

/**
 * The invoker this process should use: an asynchronous Lambda invoke of `SYNC_FUNCTION_NAME` when it is set (AWS),
 * otherwise in-process on the shared database (local server).
 */
export async function defaultInvoker(): Promise<InvokeSync> {
  const functionName = config().syncFunctionName;
  if (functionName) return lambdaInvoker(functionName);
  return inProcessInvoker(await getDatabase());
}

/**
 * Starts a sync of one repository without waiting for it (called when a repository is registered). In AWS this
 * enqueues an async invoke; locally the sync runs in the background of this process.
 */
export async function requestSync(namespace: string, name: string, invoke?: InvokeSync): Promise<void> {
  const target = { namespace, name };
  if (!invoke && !config().syncFunctionName && process.env.AWS_LAMBDA_FUNCTION_NAME) {
    // A Lambda is frozen once it has answered: a sync started in its background would silently never finish.
    logger.warn('sync not started: SYNC_FUNCTION_NAME is not set; the scheduled fan-out will sync it', target);
    return;
  }
  const run = (invoke ?? (await defaultInvoker()))(target);
  if (invoke || config().syncFunctionName) return run; // the enqueue itself is quick: report its failure
  running.add(run);
  void run.finally(() => running.delete(run));
}

/** Waits for background syncs started in this process (tests, clean shutdown of the local server). */
export async function settleBackgroundSyncs(): Promise<void> {
  while (running.size > 0) await Promise.allSettled([...running]);
}
