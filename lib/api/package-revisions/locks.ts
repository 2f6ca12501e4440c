import type { Queryable } from '../../db/queryable.js';
import { SQLSTATE, sqlStateOf } from '../../db/sqlstate.js';
import { ConflictError } from '../../errors.js';
import { revisionRef } from './refs.js';

/**
 * Advisory locks keyed by text. Transaction-scoped, so they free themselves at commit, rollback or a dead
 * connection, and they exclude across every container (Porch's in-process try-locks do not). The key text is hashed
 * to 64 bits by PostgreSQL itself.
 */

/** Takes the lock without waiting; false when another transaction holds it. */
export async function tryLock(q: Queryable, key: string): Promise<boolean> {
  const { rows } = await q.query<{ ok: boolean }>('select pg_try_advisory_xact_lock(hashtextextended($1, 0)) as ok', [
    key,
  ]);
  return rows[0]!.ok;
}

/**
 * Waits for the lock: used where requests must take turns rather than fail (publishing one package). The wait is
 * bounded (lock_timeout, for this transaction only); past it the caller gets `busy`'s error, a 409 clients retry.
 */
export async function waitLock(q: Queryable, key: string, busy: () => Error, timeoutMs = 60_000): Promise<void> {
  await q.query(`select set_config('lock_timeout', $1, true)`, [`${timeoutMs}ms`]);
  try {
    await q.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
  } catch (err) {
    if (sqlStateOf(err) === SQLSTATE.lockNotAvailable) throw busy();
    throw err;
  }
  await q.query(`select set_config('lock_timeout', '0', true)`);
}

/** Creates of one (namespace, repository, package, workspace) tuple (docs/porch-behaviour.md §11.3). */
export const createKey = (ns: string, repo: string, pkg: string, ws: string) =>
  `pr-create:${JSON.stringify([ns, repo, pkg, ws])}`;
/** Updates, approvals, resource updates and deletes of one revision (docs/porch-behaviour.md §11.3). */
export const revisionKey = (ns: string, name: string) => `pr:${ns}/${name}`;
/** Publishes of one package take turns, so each sees the number the previous one took. */
export const packageKey = (ns: string, pkg: string) => `pr-publish:${ns}/${pkg}`;
/** init/clone creates in one repository take turns, so the nesting check sees packages being created. */
export const repositoryKey = (ns: string, repo: string) => `pr-repo:${ns}/${repo}`;

/** The per-revision try-lock of Porch (docs/porch-behaviour.md §11.3), held for the rest of the transaction. */
export async function lockRevision(q: Parameters<typeof tryLock>[0], namespace: string, name: string): Promise<void> {
  if (!(await tryLock(q, revisionKey(namespace, name)))) {
    throw new ConflictError(
      revisionRef(name),
      `another request is already in progress on package revision "${namespace}/${name}"`,
    );
  }
}
