import type { Database } from '../../db/pool.js';
import type { Lifecycle, PackageRevisionRow } from '../../storage/types.js';
import { packageKey, waitLock } from './locks.js';
import { publishToGit } from './git-remote.js';
import { checkWritable, requireRevision } from './read.js';
import { asRecord, readMeta } from './request-fields.js';
import { invalidRevision, revisionRef } from './refs.js';
import { ConflictError, invalidValue } from '../../errors.js';
import { nextRevisionNumber, updatePackageRevision } from '../../storage/package-revisions.js';
import { publishPackageRevision } from '../../storage/publish.js';
import { getRepository } from '../../storage/repositories.js';
import { toPackageRevision, type PackageRevisionObject } from './to-object.js';
import { lockRevision } from './locks.js';
import { checkBodyName, checkFresh, requireResourceVersion } from './update.js';

/**
 * The approval rules of docs/porch-behaviour.md §4.4; answers the requested lifecycle or throws 422 with Porch's texts.
 */
export function checkApproval(row: PackageRevisionRow, requested: unknown): Lifecycle {
  const fail = (why: string): never => {
    throw invalidRevision(row.name, invalidValue('spec.lifecycle', requested ?? '', why));
  };
  if (requested !== 'Draft' && requested !== 'Published' && requested !== 'DeletionProposed') {
    fail('value for approval can be only one of Draft,Published');
  }
  switch (row.lifecycle) {
    case 'Draft':
      return fail('cannot approve package with Draft lifecycle value; only Proposed packages can be approved');
    case 'Published':
      if (requested !== 'DeletionProposed')
        fail("package with Published lifecycle value can only be updated to 'ProposeDeletion'");
      break;
    case 'DeletionProposed':
      if (requested !== 'Published')
        fail("package with DeletionProposed lifecycle value can only be updated to 'Published'");
      break;
    case 'Proposed':
      if (requested === 'DeletionProposed') {
        fail('cannot update lifecycle DeletionProposed; only Published packages require approval for deletion');
      }
  }
  return requested as Lifecycle;
}

/**
 * PUT packagerevisions/{name}/approval (docs/porch-behaviour.md §4.4). Publishing takes the package's publish lock
 * (waiting, so that concurrent approvals of one package take turns and get distinct numbers), pushes to git, and only
 * then turns the row into (N, Published) in the same transaction; a git failure leaves it Proposed.
 */
export async function approveRevision(
  db: Database,
  namespace: string,
  name: string,
  body: unknown,
  user: string,
  startedAt: Date,
): Promise<PackageRevisionObject> {
  checkBodyName(body, name, namespace);
  const obj = asRecord(body);
  const meta = readMeta(obj.metadata);
  const requested = asRecord(obj.spec).lifecycle;
  const resourceVersion = requireResourceVersion(meta, name);
  return db.transaction(async (client) => {
    await lockRevision(client, namespace, name);
    const first = await requireRevision(client, namespace, name);
    checkFresh(first, resourceVersion);
    const lifecycle = checkApproval(first, requested);
    const deployment = await checkWritable(client, first);
    if (lifecycle !== 'Published' || first.lifecycle !== 'Proposed') {
      const updated = await updatePackageRevision(client, namespace, name, resourceVersion, { lifecycle }, user);
      return toPackageRevision(updated, deployment);
    }
    await waitLock(
      client,
      packageKey(namespace, first.package),
      () =>
        new ConflictError(
          revisionRef(name),
          `another request is already in progress on package revision "${namespace}/${name}"`,
        ),
    );
    // Re-read under the package lock: another approval of this package may have published meanwhile.
    const row = await requireRevision(client, namespace, name);
    checkFresh(row, resourceVersion);
    const revision = await nextRevisionNumber(client, namespace, row.package);
    const pushed = await publishToGit(client, row, revision, user);
    const repo = await getRepository(client, namespace, row.repository);
    const { revision: published } = await publishPackageRevision(client, {
      namespace,
      name,
      expectedResourceVersion: resourceVersion,
      revision: pushed.revision,
      selfLock: pushed.selfLock,
      publishedBy: user,
      publishTimestamp: startedAt,
      branch: repo?.branch,
      updatedBy: user,
    });
    return toPackageRevision(published, deployment);
  });
}
