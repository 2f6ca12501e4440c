import type { Config } from '../config.js';
import type { Database } from '../db/pool.js';
import { runEventRelay } from '../events/event-relay.js';
import { logPublisher } from '../events/publishers.js';
import { logger } from '../log.js';
import type { SyncLoop } from './sync-loop.js';

/** How often the local server relays lifecycle events to its log and compacts the change log. */
const INTERVAL_MS = 1000;

/** The local stand-in for the scheduled relay function: lifecycle events go to the log, one line each. */
export function startEventRelayLoop(db: Database, cfg: Config): SyncLoop {
  let running: Promise<unknown> | undefined;
  const options = { retentionSeconds: cfg.changeLogRetentionSeconds, relayGraceSeconds: cfg.eventRelayGraceSeconds };
  const timer = setInterval(() => {
    running ??= runEventRelay(db, logPublisher(), options)
      .catch((err: Error) => logger.error('event relay failed', { error: err.message }))
      .finally(() => (running = undefined));
  }, INTERVAL_MS);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
