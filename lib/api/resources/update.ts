import type { Database } from '../../db/pool.js';
import type { Queryable } from '../../db/queryable.js';
import { pushesOnRenderFailure, renderRevision } from '../../render/render-revision.js';
import { ConflictError, invalidValue, NotFoundError } from '../../errors.js';
import { carryOverComments, checkResources } from '../package-revisions/kpt-resources.js';
import { deriveFromKptfile, requireKptfile } from '../package-revisions/kptfile.js';
import { revisionKey, tryLock } from '../package-revisions/locks.js';
import { invalidResources, resourcesRef } from '../package-revisions/refs.js';
import { asRecord, readMeta } from '../package-revisions/request-fields.js';
import { checkWritable } from '../package-revisions/read.js';
import { getPackageRevision } from '../../storage/package-revisions.js';
import { getResources, replaceResources } from '../../storage/resources.js';
import { checkBodyName, checkFresh, requireResourceVersion } from '../package-revisions/update.js';
import { toResources, type ResourcesObject } from './to-object.js';

/**
 * PUT packagerevisionresources/{name} (docs/porch-semantics.md §6.1): Draft only, compare-and-set on resourceVersion,
 * the files replaced as a whole with comments of unchanged objects carried over, Kptfile-derived fields re-derived.
 */
export async function updateRevisionResources(
  db: Database,
  namespace: string,
  name: string,
  body: unknown,
  user: string,
): Promise<ResourcesObject> {
  checkBodyName(body, name, namespace);
  const obj = asRecord(body);
  const ref = resourcesRef(name);
  const resourceVersion = requireResourceVersion(readMeta(obj.metadata), name, ref);
  const sent = checkResources(name, asRecord(obj.spec).resources);
  const current = async (q: Queryable) => {
    const row = await getPackageRevision(q, namespace, name);
    if (!row) throw new NotFoundError(ref);
    await checkWritable(q, row);
    checkFresh(row, resourceVersion, ref);
    if (row.lifecycle !== 'Draft') {
      throw invalidResources(
        name,
        invalidValue(
          'spec.lifecycle',
          row.lifecycle,
          `cannot update a package revision with lifecycle value "${row.lifecycle}"; package must be Draft`,
        ),
      );
    }
    return row;
  };
  // The render runs with no transaction open (a function may be a remote call, docs/render.md): the checks run on
  // a plain read first, and the write stores the result only while the revision is still the version rendered.
  const read = await current(db);
  const edited = carryOverComments(await getResources(db, namespace, name), sent);
  requireKptfile(name, edited);
  const rendered = await renderRevision(edited, { pushOnFailure: pushesOnRenderFailure(read.meta.annotations) });
  const files = rendered.files;
  const result = await db.transaction(async (client) => {
    if (!(await tryLock(client, revisionKey(namespace, name)))) {
      throw new ConflictError(
        ref,
        `another request is already in progress on package revision resources "${namespace}/${name}"`,
      );
    }
    const row = await current(client);
    const derived = deriveFromKptfile(files);
    const updated = await replaceResources(
      client,
      namespace,
      name,
      resourceVersion,
      files,
      {
        spec: { ...row.spec, packageMetadata: derived.packageMetadata, readinessGates: derived.readinessGates },
        conditions: derived.conditions ?? [],
        upstreamLock: derived.upstreamLock ?? null,
      },
      user,
    );
    return toResources(updated, files, rendered.renderStatus);
  });
  // push-on-render-failure: the unrendered files are stored, and the request still reports the failure (docs/porch-semantics.md §6.1).
  if (rendered.failure) throw rendered.failure;
  return result;
}
