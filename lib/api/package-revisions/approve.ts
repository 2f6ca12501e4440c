import type { Database } from '../../db/pool.js';
import type { Lifecycle, PackageRevisionRow } from '../../storage/types.js';
import { revisionKey, waitLock } from './locks.js';
import { publishToGit, readForPublish } from './git-remote.js';
import { checkWritable, requireRevision } from './read.js';
import { asRecord, readMeta } from './request-fields.js';
import { invalidRevision, revisionRef } from './refs.js';
import { ConflictError, invalidValue } from '../../errors.js';
import { updatePackageRevision } from '../../storage/package-revisions.js';
import { publishPackageRevision } from '../../storage/publish.js';
import { toPackageRevision, type PackageRevisionObject } from './to-object.js';
import { lockRevision } from './locks.js';
import { checkBodyName, checkFresh, requireResourceVersion } from './update.js';

/**
 * The approval rules of docs/porch-semantics.md §4.4; answers the requested lifecycle or throws 422 with Porch's texts.
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
 * PUT packagerevisions/{name}/approval (docs/porch-semantics.md §4.4). A publish holds nothing in the database
 * while it talks to git (docs/publish.md): it reads the row under the revision lock and lets go, pushes tag and
 * branch, then writes Published N only if the row is still the version it read. A git failure leaves it Proposed;
 * a failure after the push leaves a tag that a retry adopts and the next sync completes.
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
  const read = await db.transaction(async (client) => {
    await lockRevision(client, namespace, name);
    const row = await requireRevision(client, namespace, name);
    checkFresh(row, resourceVersion);
    const lifecycle = checkApproval(row, requested);
    const deployment = await checkWritable(client, row);
    if (lifecycle !== 'Published' || row.lifecycle !== 'Proposed') {
      const updated = await updatePackageRevision(client, namespace, name, resourceVersion, { lifecycle }, user);
      return { done: true as const, object: toPackageRevision(updated, deployment) };
    }
    return { done: false as const, publish: await readForPublish(client, row), deployment };
  });
  if (read.done) return read.object;
  const pushed = await publishToGit(read.publish, user);
  return db.transaction(async (client) => {
    await waitLock(client, revisionKey(namespace, name), () => busy(namespace, name), 10_000);
    const { revision: published } = await publishPackageRevision(client, {
      namespace,
      name,
      expectedResourceVersion: resourceVersion,
      revision: pushed.revision,
      selfLock: pushed.selfLock,
      publishedBy: user,
      publishTimestamp: startedAt,
      branch: read.publish.repo.branch,
      updatedBy: user,
    });
    return toPackageRevision(published, read.deployment);
  });
}

const busy = (namespace: string, name: string) =>
  new ConflictError(
    revisionRef(name),
    `another request is already in progress on package revision "${namespace}/${name}"`,
  );
