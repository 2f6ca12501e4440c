import type { PoolClient } from 'pg';
import type { Database } from '../../db/pool.js';
import { ForbiddenError } from '../../errors.js';
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
import { lockRevision } from './locks.js';

/**
 * Removes a revision now: a published (DeletionProposed, or Published after a finalizer wait) one from git first (tag
 * or branch content, docs/porch-behaviour.md §7.5), then the row with its files; the latest flag and the package row
 * follow by trigger. Answers the object as it was.
 */
export async function deleteRevisionRow(
  client: PoolClient,
  row: PackageRevisionRow,
  deployment: boolean,
  user: string,
): Promise<PackageRevisionObject> {
  const before = toPackageRevision(row, deployment);
  // Published reaches here only through a finalizer wait (DELETE refuses it): it is in git all the same, and left
  // there the next sync would bring it back.
  if (row.lifecycle === 'DeletionProposed' || row.lifecycle === 'Published') await deleteFromGit(client, row, user);
  await deletePackageRevision(client, row.namespace, row.name);
  return before;
}

/** DELETE packagerevisions/{name} (docs/porch-behaviour.md §10). */
export async function deleteRevision(db: Database, namespace: string, name: string, user: string) {
  const found = await requireRevision(db, namespace, name);
  if (found.lifecycle === 'Published') {
    throw new ForbiddenError(
      revisionRef(name),
      "published PackageRevisions must be proposed for deletion by setting spec.lifecycle to 'DeletionProposed' prior to deletion",
    );
  }
  const [downstream] = await findUpstreamReferences(db, namespace, name);
  if (downstream) {
    throw new ForbiddenError(
      revisionRef(name),
      `cannot delete package revision, it is referenced as upstream by: ${downstream}`,
    );
  }
  return db.transaction(async (client): Promise<PackageRevisionObject> => {
    await lockRevision(client, namespace, name);
    const row = await requireRevision(client, namespace, name);
    const deployment = await checkWritable(client, row);
    if (row.lifecycle === 'Published') {
      throw new ForbiddenError(
        revisionRef(name),
        "published PackageRevisions must be proposed for deletion by setting spec.lifecycle to 'DeletionProposed' prior to deletion",
      );
    }
    if (row.meta.finalizers?.length) {
      if (row.meta.deletionTimestamp) return toPackageRevision(row, deployment);
      const meta = { ...row.meta, deletionTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
      const updated = await updatePackageRevision(client, namespace, name, row.resourceVersion, { meta }, user);
      return toPackageRevision(updated, deployment);
    }
    return deleteRevisionRow(client, row, deployment, user);
  });
}
