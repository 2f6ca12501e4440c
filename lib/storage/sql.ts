/** Small helpers shared by the storage modules. */
import { ConflictError, NotFoundError, STALE_OBJECT, type ResourceRef } from '../errors.js';
import type { Queryable } from '../db/queryable.js';

/**
 * A jsonb parameter. node-postgres would turn a JS array into a PostgreSQL array, so every JSON value is sent as
 * text; `undefined` becomes SQL null (meaning "keep" in `coalesce($n, column)`).
 */
export function json(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

/**
 * The column list and value expressions of an insert, in the same order, from one SQL expression per column of a
 * table's insertable columns (listed once, beside the table's storage module): a column added to that list is a
 * type error in every insert until it says what that insert writes there.
 */
export function insertList<C extends string>(columns: readonly C[], values: Record<C, string>) {
  return { columns: columns.join(', '), values: columns.map((c) => values[c]).join(', ') };
}

/** A resourceVersion as the bigint it stands for, or null when it cannot be one (then it can never match). */
export function versionParam(resourceVersion: string): string | null {
  return /^[0-9]{1,18}$/.test(resourceVersion) ? resourceVersion : null;
}

/**
 * After a compare-and-set statement changed no row: tells a stale resourceVersion (the row exists) from a missing
 * row, and throws the matching error.
 */
export async function throwCasMiss(
  q: Queryable,
  table: 'repositories' | 'package_revisions',
  namespace: string,
  name: string,
  ref: ResourceRef,
): Promise<never> {
  const { rowCount } = await q.query(`select 1 from ${table} where namespace = $1 and name = $2`, [namespace, name]);
  if (rowCount) throw new ConflictError(ref, STALE_OBJECT);
  throw new NotFoundError(ref);
}

/**
 * Deletes one row by (namespace, name) and returns it; with `expectedResourceVersion`, only while unchanged (the
 * compare-and-set is in the DELETE). Absent → NotFoundError, changed → ConflictError.
 */
export async function deleteRow<T extends object>(
  q: Queryable,
  table: 'repositories' | 'package_revisions',
  columns: string,
  namespace: string,
  name: string,
  expectedResourceVersion: string | undefined,
  ref: ResourceRef,
): Promise<T> {
  const rv = expectedResourceVersion === undefined ? undefined : versionParam(expectedResourceVersion);
  if (rv === null) return throwCasMiss(q, table, namespace, name, ref);
  const { rows } = await q.query<T & Record<string, unknown>>(
    `delete from ${table} where namespace = $1 and name = $2 and ($3::bigint is null or resource_version = $3)
     returning ${columns}`,
    [namespace, name, rv ?? null],
  );
  if (rows[0]) return rows[0];
  if (rv !== undefined) return throwCasMiss(q, table, namespace, name, ref);
  throw new NotFoundError(ref);
}
