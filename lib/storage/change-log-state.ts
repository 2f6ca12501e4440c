/**
 * The change log's one state row (table `change_log_state`): how far it has been compacted, and where the event
 * relay stands. Compaction deletes what is older than the retention window, never past the horizon and, within the
 * relay's grace period, never past what the relay has published.
 */
import type { Queryable } from '../db/queryable.js';
import { changeLogHorizon } from './change-log.js';
import { inTransaction, type Transactional } from './transaction.js';

/** The version through which the log may have been compacted: a watch from below it is 410 Expired. */
export async function compactedThrough(q: Queryable): Promise<string> {
  const { rows } = await q.query<{ v: string }>('select compacted_through::text as v from change_log_state');
  return rows[0]!.v;
}

export interface CompactionOptions {
  /** Entries younger than this stay (a client that lost its watch re-watches from within it). */
  retentionSeconds: number;
  /** Entries the relay has not published stay this long before compaction takes them anyway. */
  relayGraceSeconds: number;
}

/** Deletes entries older than the retention window; returns how many and the new compaction mark. */
export async function compactChangeLog(
  db: Transactional,
  options: CompactionOptions,
): Promise<{ deleted: number; through: string }> {
  return inTransaction(db, async (tx) => {
    const horizon = await changeLogHorizon(tx);
    const { rows } = await tx.query<{ cut: string | null }>(
      `select least(
                (select max(resource_version) from change_log
                  where created < clock_timestamp() - make_interval(secs => $2) and resource_version <= $1),
                case when s.relay_cursor is null then null
                     else greatest(s.relay_cursor, (select max(resource_version) from change_log
                                     where created < clock_timestamp() - make_interval(secs => $3)
                                       and resource_version <= $1)) end)::text as cut
         from change_log_state s for update`,
      [horizon, options.retentionSeconds, options.relayGraceSeconds],
    );
    const cut = rows[0]?.cut;
    if (!cut) return { deleted: 0, through: await compactedThrough(tx) };
    const { rowCount } = await tx.query('delete from change_log where resource_version <= $1', [cut]);
    const { rows: state } = await tx.query<{ v: string }>(
      `update change_log_state set compacted_through = greatest(compacted_through, $1) returning compacted_through::text as v`,
      [cut],
    );
    return { deleted: rowCount ?? 0, through: state[0]!.v };
  });
}

/**
 * The relay's position, locked for the rest of this (short) transaction with `for update nowait`: a relay gives way
 * at once while another one reads or moves the cursor. Null until a relay first ran.
 */
export async function lockRelayCursor(q: Queryable): Promise<string | null> {
  const { rows } = await q.query<{ v: string | null }>(
    'select relay_cursor::text as v from change_log_state for update nowait',
  );
  return rows[0]!.v;
}

/**
 * Moves the relay's position from `from` to `to` unless another relay moved it first (compare-and-set: of two
 * relays that published the same entries only one advances); false when this one lost.
 */
export async function advanceRelayCursor(q: Queryable, from: string | null, to: string): Promise<boolean> {
  const { rowCount } = await q.query(
    'update change_log_state set relay_cursor = $2 where relay_cursor is not distinct from $1::bigint',
    [from, to],
  );
  return rowCount === 1;
}
