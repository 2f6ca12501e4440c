import type { Database } from '../db/pool.js';
import type { LogSink } from '../http/request-log.js';
import { inProcessInvoker, runSyncFanout, settleBackgroundSyncs } from '../sync/index.js';

/** The two sync entry points the local server calls in-process (in AWS they are Lambda invocations). */
export interface LocalSync {
  requestSync(db: Database, namespace: string, name: string): Promise<void>;
  runFanout(db: Database): Promise<void>;
}

export interface SyncLoop {
  stop(): Promise<void>;
}

/** The sync layer wired in-process: registration syncs in the background; the fan-out runs each due sync here. */
export function localSync(): LocalSync {
  let invoker: ReturnType<typeof inProcessInvoker> | undefined;
  const invokerFor = (db: Database) => (invoker ??= inProcessInvoker(db));
  return {
    // Registration must not wait for git: the sync runs in the background, as an async Lambda invoke would.
    requestSync: async (db, namespace, name) => {
      void invokerFor(db)({ namespace, name });
    },
    // The fan-out logs its own line per tick.
    runFanout: async (db) => {
      await runSyncFanout(db, { invoke: (namespace, name) => invokerFor(db)({ namespace, name }) });
    },
  };
}

/** Waits for syncs still running in this process (clean shutdown). */
export const settleSyncs = settleBackgroundSyncs;

/** Runs `tick` every `intervalMs` (first run right away), never two at once; stop() waits for a running one. */
export function startSyncLoop(tick: () => Promise<void>, intervalMs: number, log: LogSink): SyncLoop {
  let running: Promise<void> | undefined;
  const run = () => {
    if (running) return;
    running = tick()
      .catch((err: Error) => log({ level: 'error', msg: 'sync fan-out failed', error: err.message }))
      .finally(() => (running = undefined));
  };
  const timer = setInterval(run, intervalMs);
  timer.unref();
  setImmediate(run);
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
