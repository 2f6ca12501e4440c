/**
 * One poller of the change log per process (per Database), whatever the number of watches: every `pollMs` it reads
 * the horizon (one short query), and only when there is something new, the changes after each distinct watch
 * position (usually one: every live watch stands at the same version). A short poll rather than LISTEN/NOTIFY: it
 * needs no connection held per listener (it works through any pooler and in Lambda) and no global lock at commit.
 */
import type { Database } from '../../db/pool.js';
import { logger } from '../../log.js';
import { compactedThrough } from '../../storage/change-log-state.js';
import { changeLogHorizon, readChanges } from '../../storage/change-log.js';
import { ChangeBatch } from './change-batch.js';

/** Entries read per watch position and poll; a position further behind catches up batch by batch. */
const BATCH_LIMIT = 1000;

export interface Subscriber {
  /** The version the watch has been given changes up to; the hub moves it as it hands out batches. */
  cursor: string;
  /** Takes a batch; false when the watch can take no more (a client that does not read): it is dropped. */
  offer(batch: ChangeBatch): boolean;
  /** Compaction passed the watch's position, so changes after it are gone (410 Expired); the hub drops it. */
  expire(compactedThrough: string): void;
}

export class WatchHub {
  private readonly subscribers = new Set<Subscriber>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database,
    private readonly pollMs: number,
  ) {}

  /** Adds a watch; the returned function removes it. */
  add(subscriber: Subscriber): () => void {
    this.subscribers.add(subscriber);
    this.schedule();
    return () => this.subscribers.delete(subscriber);
  }

  get size(): number {
    return this.subscribers.size;
  }

  private schedule() {
    if (this.timer || this.subscribers.size === 0) return;
    this.timer = setTimeout(() => {
      this.poll()
        .catch((err: Error) => logger.warn('watch poll failed', { error: err.message }))
        .finally(() => {
          this.timer = undefined;
          this.schedule();
        });
    }, this.pollMs);
    this.timer.unref();
  }

  /** One poll: hands every watch the changes after its position, up to the horizon, or expires it. */
  async poll(): Promise<void> {
    if (this.subscribers.size === 0) return;
    const horizon = BigInt(await changeLogHorizon(this.db));
    const byCursor = new Map<string, Subscriber[]>();
    for (const s of this.subscribers) {
      if (BigInt(s.cursor) < horizon) byCursor.set(s.cursor, [...(byCursor.get(s.cursor) ?? []), s]);
    }
    for (const [cursor, group] of byCursor) {
      const { entries, through } = await readChanges(this.db, cursor, horizon.toString(), BATCH_LIMIT);
      // Read after the entries: the mark only grows, so if compaction had passed `cursor` when they were read, this
      // sees it (at worst it also sees a compaction that committed just after, and the watch re-lists early).
      const compacted = await compactedThrough(this.db);
      if (BigInt(cursor) < BigInt(compacted)) {
        for (const s of group) {
          if (this.subscribers.delete(s)) s.expire(compacted);
        }
        continue;
      }
      const batch = new ChangeBatch(this.db, entries, through);
      for (const s of group) {
        if (!this.subscribers.has(s)) continue;
        s.cursor = through;
        if (!s.offer(batch)) this.subscribers.delete(s);
      }
    }
  }
}

const hubs = new WeakMap<Database, WatchHub>();

/** The process's hub for a database. */
export function watchHubFor(db: Database, pollMs: number): WatchHub {
  let hub = hubs.get(db);
  if (!hub) {
    hub = new WatchHub(db, pollMs);
    hubs.set(db, hub);
  }
  return hub;
}
