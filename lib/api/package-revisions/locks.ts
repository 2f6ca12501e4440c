import type { Queryable } from '../../db/queryable.js';
import { ConflictError } from '../../errors.js';
import { revisionRef } from './refs.js';
import { tryXactLock, waitXactLock } from '../../storage/advisory-locks.js';

/**
 * The request locks of package revisions: advisory locks keyed by text (lib/storage/advisory-locks.ts).
 * Transaction-scoped, so they free themselves at commit, rollback or a dead connection, and they exclude across
 * every container (Porch's in-process try-locks do not).
 */

/** Takes the lock without waiting; false when another transaction holds it. */
export const tryLock = tryXactLock;

/**
 * Waits for the lock: used where requests must take turns rather than fail. The wait is bounded; past it the
 * caller gets `busy`'s error, a 409 clients retry.
 */
export async function waitLock(q: Queryable, key: string, busy: () => Error, timeoutMs = 60_000): Promise<void> {
  if (!(await waitXactLock(q, key, timeoutMs))) throw busy();
}

/** Creates of one (namespace, repository, package, workspace) tuple (docs/porch-semantics.md §11.3). */
export const createKey = (ns: string, repo: string, pkg: string, ws: string) =>
  `pr-create:${JSON.stringify([ns, repo, pkg, ws])}`;
/** Updates, approvals, resource updates and deletes of one revision (docs/porch-semantics.md §11.3). */
export const revisionKey = (ns: string, name: string) => `pr:${ns}/${name}`;
/** init/clone creates in one repository take turns, so the nesting check sees packages being created. */
export const repositoryKey = (ns: string, repo: string) => `pr-repo:${ns}/${repo}`;

/** The per-revision try-lock of Porch (docs/porch-semantics.md §11.3), held for the rest of the transaction. */
export async function lockRevision(q: Parameters<typeof tryLock>[0], namespace: string, name: string): Promise<void> {
  if (!(await tryLock(q, revisionKey(namespace, name)))) {
    throw new ConflictError(
      revisionRef(name),
      `another request is already in progress on package revision "${namespace}/${name}"`,
    );
  }
}
