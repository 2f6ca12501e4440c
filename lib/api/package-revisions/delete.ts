import type { PoolClient } from 'pg';
import type { Database } from '../../db/pool.js';
import { ConflictError, ForbiddenError } from '../../errors.js';
import type { PackageRevisionRow } from '../../storage/types.js';
import { deleteFromGit } from './git-remote.js';
import { checkWritable, requireRevision } from './read.js';
import { revisionRef } from './refs.js';
import {
  deletePackageRevision,
  findUpstreamReferences,
  updatePackageRevision,
} from '../../storage/package-revisions.js';
import { toPackageRevision, type PackageRevisionObject } from './to-object.js';
import { lockRevision, revisionKey, waitLock } from './locks.js';

/**
 * Published and DeletionProposed revisions are in git (tag, or branch content for a placeholder,
 * docs/porch-semantics.md §7.5). Published reaches a deletion only through a finalizer wait (DELETE refuses it): it
 * is in git all the same, and left there the next sync would bring it back.
 */
export const inGit = (row: PackageRevisionRow) => row.lifecycle === 'DeletionProposed' || row.lifecycle === 'Published';

/**
 * Removes a revision that is not in git now, inside the caller's transaction: the row with its files; the latest
 * flag and the package row follow by trigger. Answers the object as it was.
 */
export async function deleteRevisionRow(
  client: PoolClient,
  row: PackageRevisionRow,
  deployment: boolean,
): Promise<PackageRevisionObject> {
  const before = toPackageRevision(row, deployment);
  await deletePackageRevision(client, row.namespace, row.name);
  return before;
}

/**
 * Removes a revision that is in git, read and checked in a transaction the caller has committed: from git first,
 * with nothing held in the database, then its row only if it is still the version that was read
 * (docs/publish.md). Answers the object as it was.
 */
export async function deleteFromGitThenRow(
  db: Database,
  row: PackageRevisionRow,
  deployment: boolean,
  user: string,
): Promise<PackageRevisionObject> {
  const { namespace, name } = row;
  await deleteFromGit(db, row, user);
  return db.transaction(async (client) => {
    const busy = () =>
      new ConflictError(
        revisionRef(name),
        `another request is already in progress on package revision "${namespace}/${name}"`,
      );
    await waitLock(client, revisionKey(namespace, name), busy, 10_000);
    await deletePackageRevision(client, namespace, name, row.resourceVersion);
    return toPackageRevision(row, deployment);
  });
}

/**
 * DELETE packagerevisions/{name} (docs/porch-semantics.md §10). Every check runs under the revision lock in one
 * transaction; a revision in git is then removed from git with nothing held in the database, and its row deleted
 * only if it is still the version that was checked (docs/publish.md).
 */
export async function deleteRevision(db: Database, namespace: string, name: string, user: string) {
  const read = await db.transaction(async (client) => {
    await lockRevision(client, namespace, name);
    const row = await requireRevision(client, namespace, name);
    const deployment = await checkWritable(client, row);
    if (row.lifecycle === 'Published') {
      throw new ForbiddenError(
        revisionRef(name),
        "published PackageRevisions must be proposed for deletion by setting spec.lifecycle to 'DeletionProposed' prior to deletion",
      );
    }
    const [downstream] = await findUpstreamReferences(client, namespace, name);
    if (downstream) {
      throw new ForbiddenError(
        revisionRef(name),
        `cannot delete package revision, it is referenced as upstream by: ${downstream}`,
      );
    }
    if (row.meta.finalizers?.length) {
      if (row.meta.deletionTimestamp) return { done: true as const, object: toPackageRevision(row, deployment) };
      const meta = { ...row.meta, deletionTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
      const updated = await updatePackageRevision(client, namespace, name, row.resourceVersion, { meta }, user);
      return { done: true as const, object: toPackageRevision(updated, deployment) };
    }
    if (!inGit(row)) return { done: true as const, object: await deleteRevisionRow(client, row, deployment) };
    return { done: false as const, row, deployment };
  });
  if (read.done) return read.object;
  return deleteFromGitThenRow(db, read.row, read.deployment, user);
}
