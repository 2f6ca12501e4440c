/**
 * PostgreSQL advisory locks, the service's only locks (no table behind them). Text keys are hashed to 64 bits by
 * PostgreSQL itself; the repository sync lock uses the separate two-int4 key space.
 */
import type { Queryable } from '../db/queryable.js';
import { SQLSTATE, sqlStateOf } from '../db/sqlstate.js';

/** Takes the transaction-scoped lock of `key` without waiting; false when another transaction holds it. */
export async function tryXactLock(q: Queryable, key: string): Promise<boolean> {
  const { rows } = await q.query<{ ok: boolean }>('select pg_try_advisory_xact_lock(hashtextextended($1, 0)) as ok', [
    key,
  ]);
  return rows[0]!.ok;
}

/**
 * Waits up to `timeoutMs` (lock_timeout, for this transaction only) for the transaction-scoped lock of `key`;
 * false when the wait ran out.
 */
export async function waitXactLock(q: Queryable, key: string, timeoutMs: number): Promise<boolean> {
  await q.query(`select set_config('lock_timeout', $1, true)`, [`${timeoutMs}ms`]);
  try {
    await q.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
  } catch (err) {
    if (sqlStateOf(err) === SQLSTATE.lockNotAvailable) return false;
    throw err;
  }
  await q.query(`select set_config('lock_timeout', '0', true)`);
  return true;
}

/**
 * On a dedicated session: sets the server-side backstops (a session silent for `idleTimeoutMs` is ended, and its
 * lock with it) and tries the session lock (classId, objId), in one round trip (select-list order).
 */
export async function trySessionLock(q: Queryable, classId: number, objId: number, idleTimeoutMs: number) {
  const { rows } = await q.query<{ locked: boolean }>(
    `select set_config('idle_session_timeout', $1, false), set_config('idle_in_transaction_session_timeout', $1, false),
            set_config('application_name', 'porch-sync-lock', false), pg_try_advisory_lock($2, $3) as locked`,
    [String(idleTimeoutMs), classId, objId],
  );
  return rows[0]?.locked === true;
}

/** Proves the session holding a lock is alive (the idle backstop would otherwise end it). */
export async function heartbeat(q: Queryable): Promise<void> {
  await q.query('select 1');
}

/**
 * Hands a dedicated session back clean: every session lock released and the backstops trySessionLock set returned
 * to their defaults, in one round trip (a simple query of several statements).
 */
export async function resetSession(q: Queryable): Promise<void> {
  await q.query(
    `select pg_advisory_unlock_all(); reset idle_session_timeout; reset idle_in_transaction_session_timeout;
     reset application_name`,
  );
}
