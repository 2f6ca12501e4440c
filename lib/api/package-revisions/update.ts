import type { Database } from '../../db/pool.js';
import { pushesOnRenderFailure, renderRevision } from '../../render/render-revision.js';
import type { Queryable } from '../../db/queryable.js';
import { BadRequestError, ConflictError, STALE_OBJECT, type StatusCause } from '../../errors.js';
import type { PackageRevisionRow } from '../../storage/types.js';
import { readReadinessGates, readPackageMetadata } from './create-request.js';
import { deleteFromGitThenRow, deleteRevisionRow, inGit } from './delete.js';
import { applyDraftUpdate, deriveFromKptfile, readConditions } from './kptfile.js';
import { lockRevision } from './locks.js';
import { checkWritable, requireRevision } from './read.js';
import { asRecord, labelCauses, readMeta, type RequestMeta } from './request-fields.js';
import { invalidRevision, LATEST_LABEL, revisionRef } from './refs.js';
import { updatePackageRevision } from '../../storage/package-revisions.js';
import { getResources, replaceResources } from '../../storage/resources.js';
import { toPackageRevision, type PackageRevisionObject } from './to-object.js';
import { checkLatestLabel, checkPublishedSpec, checkUpdateLifecycle } from './update-rules.js';

/** The resourceVersion a write carries; missing → 409 with Porch's text. */
export function requireResourceVersion(meta: RequestMeta, name: string, ref = revisionRef(name)): string {
  if (!meta.resourceVersion) throw new ConflictError(ref, 'resourceVersion must be specified for an update');
  return meta.resourceVersion;
}

/** 400 when the body's metadata.namespace is another than the URL's (Kubernetes' text). */
export function checkBodyNamespace(body: unknown, namespace: string | undefined): void {
  const sent = asRecord(asRecord(body).metadata).namespace;
  if (namespace && sent !== undefined && sent !== null && sent !== '' && sent !== namespace) {
    throw new BadRequestError('the namespace of the provided object does not match the namespace sent on the request');
  }
}

/** 400 when the body names another object (or namespace) than the URL. */
export function checkBodyName(body: unknown, name: string, namespace?: string): void {
  const sent = asRecord(asRecord(body).metadata).name;
  if (sent !== undefined && sent !== '' && sent !== name) {
    throw new BadRequestError(`the name of the object (${String(sent)}) does not match the name on the URL (${name})`);
  }
  checkBodyNamespace(body, namespace);
}

/** Rejects a stale resourceVersion with Kubernetes' text. */
export function checkFresh(row: PackageRevisionRow, resourceVersion: string, ref = revisionRef(row.name)): void {
  if (row.resourceVersion !== resourceVersion) throw new ConflictError(ref, STALE_OBJECT);
}

/** Client metadata as stored: the latest label is never stored; deletionTimestamp is server-managed. */
export function storedMeta(row: PackageRevisionRow, meta: RequestMeta) {
  const labels = { ...(meta.labels ?? {}) };
  delete labels[LATEST_LABEL];
  return {
    ...(Object.keys(labels).length ? { labels } : {}),
    ...(meta.annotations ? { annotations: meta.annotations } : {}),
    ...(meta.finalizers?.length ? { finalizers: meta.finalizers } : {}),
    ...(meta.ownerReferences?.length ? { ownerReferences: meta.ownerReferences } : {}),
    ...(meta.managedFields?.length ? { managedFields: meta.managedFields } : {}),
    ...(row.meta.deletionTimestamp ? { deletionTimestamp: row.meta.deletionTimestamp } : {}),
  };
}

/** PUT packagerevisions/{name} (docs/porch-semantics.md §4.3). */
export async function updateRevision(db: Database, namespace: string, name: string, body: unknown, user: string) {
  checkBodyName(body, name, namespace);
  const obj = asRecord(body);
  const spec = asRecord(obj.spec);
  const meta = readMeta(obj.metadata);
  const resourceVersion = requireResourceVersion(meta, name);
  const badLabels = labelCauses(meta.labels);
  if (badLabels.length) throw invalidRevision(name, ...badLabels);
  // The checks every path makes, on a plain read first and again under the lock in the transaction.
  const check = async (q: Queryable, row: PackageRevisionRow) => {
    checkFresh(row, resourceVersion);
    checkLatestLabel(row, meta);
    const lifecycle = checkUpdateLifecycle(row, spec.lifecycle);
    const deployment = await checkWritable(q, row);
    return { lifecycle, deployment, newMeta: storedMeta(row, meta) };
  };
  // A Draft's Kptfile changes render with no transaction open (a function may be a remote call, docs/render.md);
  // the write stores the result only while the revision is still the version rendered (compare-and-set).
  const before = await requireRevision(db, namespace, name);
  const { newMeta: metaBefore } = await check(db, before);
  const draft = before.lifecycle === 'Draft' && !deletionDue(before, metaBefore);
  const edit = draft ? await renderDraftUpdate(db, before, obj, metaBefore) : undefined;
  const read = await db.transaction(async (client) => {
    await lockRevision(client, namespace, name);
    const row = await requireRevision(client, namespace, name);
    const { lifecycle, deployment, newMeta } = await check(client, row);
    const done = (object: PackageRevisionObject) => ({ done: true as const, object });
    if (deletionDue(row, newMeta)) {
      // The last finalizer is gone: the deletion that was waiting for it happens now (docs/porch-semantics.md §4.3,
      // §10); one in git is finished once this transaction has let go, as DELETE finishes it.
      const due = { ...row, meta: newMeta };
      if (!inGit(due)) return done(await deleteRevisionRow(client, due, deployment));
      return { done: false as const, row: due, deployment };
    }
    if (row.lifecycle !== 'Draft') {
      if (lifecycle === 'Published' || lifecycle === 'DeletionProposed') {
        checkPublishedSpec(toPackageRevision(row, deployment), spec);
      }
      const updated = await updatePackageRevision(
        client,
        namespace,
        name,
        resourceVersion,
        { lifecycle, meta: newMeta },
        user,
      );
      return done(toPackageRevision(updated, deployment));
    }
    // The same resourceVersion as the plain read: the same Draft, so `edit` was rendered from these files.
    const { edited, changed } = edit!;
    const derived = deriveFromKptfile(edited);
    const changes = {
      lifecycle,
      meta: newMeta,
      spec: {
        ...row.spec,
        packageMetadata: derived.packageMetadata,
        readinessGates: derived.readinessGates,
      },
      conditions: derived.conditions ?? [],
      upstreamLock: derived.upstreamLock ?? null,
    };
    const updated = changed
      ? await replaceResources(client, namespace, name, resourceVersion, edited, changes, user)
      : await updatePackageRevision(client, namespace, name, resourceVersion, changes, user);
    return done(toPackageRevision(updated, deployment));
  });
  // push-on-render-failure: the unrendered files are stored, and the request still reports the failure (docs/porch-semantics.md §6.1).
  if (edit?.failure) throw edit.failure;
  if (read.done) return read.object;
  return deleteFromGitThenRow(db, read.row, read.deployment, user);
}

/** A revision waiting for its last finalizer is deleted by the update that removes it (docs/porch-semantics.md §10). */
const deletionDue = (row: PackageRevisionRow, newMeta: { finalizers?: unknown[] }) =>
  !!row.meta.deletionTimestamp && !newMeta.finalizers?.length;

/** The Draft's files with the sent Kptfile fields applied, rendered; `changed` is false when they came out equal. */
async function renderDraftUpdate(
  q: Queryable,
  row: PackageRevisionRow,
  obj: Record<string, unknown>,
  newMeta: { annotations?: Record<string, string> },
) {
  const spec = asRecord(obj.spec);
  const causes: StatusCause[] = [];
  // Each Kptfile field changes only when sent; null counts as not sent, as Kubernetes' JSON decoding (and so Porch's
  // `!= nil` tests) has it. An empty list is sent, and clears.
  const packageMetadata = readPackageMetadata(spec.packageMetadata, causes);
  const readinessGates = readReadinessGates(spec.readinessGates, causes);
  const conditions = readConditions(asRecord(obj.status).conditions, causes);
  if (causes.length) throw invalidRevision(row.name, ...causes);
  const files = await getResources(q, row.namespace, row.name);
  const rendered = await renderRevision(applyDraftUpdate(files, { packageMetadata, readinessGates, conditions }), {
    pushOnFailure: pushesOnRenderFailure(newMeta.annotations),
  });
  const changed = !sameFiles(rendered.files, files);
  return { edited: changed ? rendered.files : files, changed, failure: rendered.failure };
}

const sameFiles = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([path, text]) => b[path] === text);
