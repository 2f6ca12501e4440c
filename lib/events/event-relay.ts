/**
 * The event relay: publishes the lifecycle events of the change log after its stored cursor, at least once and in
 * order (the cursor moves only past what was accepted), then compacts the log. It runs on a schedule in AWS and on
 * a timer in the local server. No transaction stays open while EventBridge is called: a round reads its entries and
 * commits, publishes, then moves the cursor with a compare-and-set, so a second relay that raced it over the same
 * entries (publishing them again, which at-least-once allows) cannot move the cursor too, and nothing is skipped.
 */
import type { Database } from '../db/pool.js';
import {
  advanceRelayCursor,
  compactChangeLog,
  compactedThrough,
  lockRelayCursor,
} from '../storage/change-log-state.js';
import { changeLogHorizon, readChanges } from '../storage/change-log.js';
import { lifecycleEvents } from './lifecycle-events.js';
import type { EventPublisher } from './publishers.js';

/** Entries read per round. */
const ROUND = 500;
/** PostgreSQL's lock_not_available: another relay holds the cursor. */
const LOCK_NOT_AVAILABLE = '55P03';

export interface RelayResult {
  published: number;
  /** False when another relay was running. */
  ran: boolean;
  compacted: number;
}

export interface RelayOptions {
  retentionSeconds: number;
  relayGraceSeconds: number;
  /** Rounds per run at most (a run drains the log in rounds of 500 entries). */
  maxRounds?: number;
}

/** What a round did; `lost` when another relay moved the cursor first. */
interface Round {
  published: number;
  more: boolean;
  lost?: boolean;
}

/** One round: publishes the events of up to ROUND entries and moves the cursor; `more` when entries are left. */
async function round(db: Database, publisher: EventPublisher): Promise<Round> {
  const read = await db.transaction(async (tx) => {
    const start = await lockRelayCursor(tx);
    // A relay's first run starts at what the log still holds.
    const from = start ?? (await compactedThrough(tx));
    const horizon = await changeLogHorizon(tx);
    if (BigInt(horizon) <= BigInt(from)) return undefined;
    return { start, ...(await readChanges(tx, from, horizon, ROUND, 'stored')) };
  });
  if (!read) return { published: 0, more: false };
  const { start, entries, through } = read;
  const events = lifecycleEvents(entries);
  const accepted = await publisher.publish(events);
  if (accepted < events.length) {
    // Stop before the refused event: everything before it stays published, it is retried on the next run.
    const before = entries.findIndex((e) => e.resourceVersion === events[accepted]!.resourceVersion);
    const moved = before <= 0 || (await advanceRelayCursor(db, start, entries[before - 1]!.resourceVersion));
    return { published: accepted, more: false, lost: !moved };
  }
  if (!(await advanceRelayCursor(db, start, through))) return { published: accepted, more: false, lost: true };
  return { published: accepted, more: entries.length === ROUND };
}

/** Runs the relay until the log is drained (or `maxRounds`), then compacts it. */
export async function runEventRelay(
  db: Database,
  publisher: EventPublisher,
  options: RelayOptions,
): Promise<RelayResult> {
  let published = 0;
  try {
    for (let i = 0; i < (options.maxRounds ?? 20); i++) {
      const r = await round(db, publisher);
      published += r.published;
      // The relay that moved the cursor goes on from there (and compacts); this one gives way.
      if (r.lost) return { published, ran: false, compacted: 0 };
      if (!r.more) break;
    }
  } catch (err) {
    if ((err as { code?: string }).code === LOCK_NOT_AVAILABLE) return { published, ran: false, compacted: 0 };
    throw err;
  }
  const { deleted } = await compactChangeLog(db, options);
  return { published, ran: true, compacted: deleted };
}
