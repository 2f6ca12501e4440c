/** Reads that must all see one snapshot, with that snapshot's description (which transactions it saw). */
import type { Database } from '../db/pool.js';
import type { Queryable } from '../db/queryable.js';

/**
 * Runs `read` in a read-only REPEATABLE READ transaction and returns its result with the transaction's snapshot
 * (`pg_current_snapshot()`, `xmin:xmax:xip,…`), so a caller can later tell which changes the read already saw.
 */
export async function readInSnapshot<T>(
  db: Database,
  read: (q: Queryable) => Promise<T>,
): Promise<{ value: T; snapshot: string }> {
  return db.transaction(async (tx) => {
    await tx.query('set transaction isolation level repeatable read, read only');
    const { rows } = await tx.query<{ s: string }>('select pg_current_snapshot()::text as s');
    return { value: await read(tx), snapshot: rows[0]!.s };
  });
}
