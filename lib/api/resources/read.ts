import type { Queryable } from '../../db/queryable.js';
import { NotFoundError } from '../../errors.js';
import type { ListOptions, Page } from '../../storage/types.js';
import { resourcesRef } from '../package-revisions/refs.js';
import { listPackageRevisionResources } from '../../storage/package-revision-list.js';
import { getPackageRevision } from '../../storage/package-revisions.js';
import { getResources } from '../../storage/resources.js';
import { toResources, type ResourcesObject } from './to-object.js';

/** GET packagerevisionresources/{name}: the revision with all its files. */
export async function getRevisionResources(q: Queryable, namespace: string, name: string): Promise<ResourcesObject> {
  const row = await getPackageRevision(q, namespace, name);
  if (!row) throw new NotFoundError(resourcesRef(name));
  return toResources(row, await getResources(q, namespace, name));
}

/** One page of resources objects (the page's files in one query per namespace on the page). */
export async function listRevisionResources(q: Queryable, options: ListOptions): Promise<Page<ResourcesObject>> {
  const page = await listPackageRevisionResources(q, options);
  return { items: page.items.map((i) => toResources(i.revision, i.files)), continue: page.continue };
}
