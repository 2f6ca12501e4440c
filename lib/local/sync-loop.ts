import type { Database } from '../db/pool.js';
import type { LogSink } from '../http/request-log.js';

/** The two sync entry points the local server calls in-process (in AWS they are Lambda invocations). */
export interface LocalSync {
  requestSync(db: Database, namespace: string, name: string): Promise<void>;
  runFanout(db: Database): Promise<void>;
}

export interface SyncLoop {
  stop(): Promise<void>;
}

type SyncModule = {
  runSyncFanout?: (db: Database, options: { invoke: (ns: string, name: string) => Promise<void> }) => Promise<unknown>;
  syncRepository?: (db: Database, namespace: string, name: string, options?: Record<string, unknown>) => Promise<unknown>;
};

/** Loads the sync layer (lib/sync); until it is there, sync is a logged no-op so the API still runs. */
export async function loadSync(log: LogSink): Promise<LocalSync> {
  let mod: SyncModule = {};
  try {
    mod = (await import('../sync/index.js' as string)) as SyncModule;
  } catch (err) {
    log({ level: 'warn', msg: 'sync layer not loaded; repositories will not sync', error: (err as Error).message.split('\n')[0] });
  }
  const syncOne = async (db: Database, namespace: string, name: string) => {
    if (!mod.syncRepository) return;
    try {
      await mod.syncRepository(db, namespace, name);
    } catch (err) {
      log({ level: 'error', msg: 'sync failed', namespace, repository: name, error: (err as Error).message });
    }
  };
  return {
    // Registration must not wait for git: the sync runs in the background, as an async Lambda invoke would.
    requestSync: async (db, namespace, name) => {
      void syncOne(db, namespace, name);
    },
    runFanout: async (db) => {
      if (!mod.runSyncFanout) return;
      await mod.runSyncFanout(db, { invoke: async (namespace, name) => void syncOne(db, namespace, name) });
    },
  };
}

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
