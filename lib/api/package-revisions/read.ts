import type { Queryable } from '../../db/queryable.js';
import { NotFoundError } from '../../errors.js';
import type { ListOptions, Page, PackageRevisionRow } from '../../storage/types.js';
import { checkNotMigrated, revisionRef } from './refs.js';
import { listPackageRevisions } from '../../storage/package-revision-list.js';
import { getPackageRevision, getPackageRevisionForRead } from '../../storage/package-revisions.js';
import { getRepository } from '../../storage/repositories.js';
import { toPackageRevision, type PackageRevisionObject } from './to-object.js';

/** The stored revision, or 404 in Porch's wording. */
export async function requireRevision(q: Queryable, namespace: string, name: string): Promise<PackageRevisionRow> {
  const row = await getPackageRevision(q, namespace, name);
  if (!row) throw new NotFoundError(revisionRef(name));
  return row;
}

/**
 * Before a write: the revision's Repository must not have been handed over to v1alpha2 (410). Answers whether it
 * is a deployment repository (status.deployment).
 */
export async function checkWritable(q: Queryable, row: PackageRevisionRow): Promise<boolean> {
  const repo = await getRepository(q, row.namespace, row.repository);
  if (repo) checkNotMigrated(repo);
  return repo?.deployment ?? false;
}

/** GET packagerevisions/{name}: one query for the row and its Repository's deployment flag. */
export async function getRevision(q: Queryable, namespace: string, name: string): Promise<PackageRevisionObject> {
  const found = await getPackageRevisionForRead(q, namespace, name);
  if (!found) throw new NotFoundError(revisionRef(name));
  return toPackageRevision(found.row, found.deployment);
}

/** One page of revisions as objects, with their repositories' deployment flags, in one query. */
export async function listRevisions(q: Queryable, options: ListOptions): Promise<Page<PackageRevisionObject>> {
  const page = await listPackageRevisions(q, options);
  return { items: page.items.map((row) => toPackageRevision(row, row.deployment)), continue: page.continue };
}
