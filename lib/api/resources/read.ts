import type { Queryable } from '../../db/queryable.js';
import { NotFoundError } from '../../errors.js';
import type { ListOptions, Page } from '../../storage/types.js';
import { resourcesRef } from '../package-revisions/refs.js';
import { getPackageRevision, getResources, getResourcesOf, listPackageRevisions } from '../package-revisions/store.js';
import { toResources, type ResourcesObject } from './to-object.js';

/** GET packagerevisionresources/{name}: the revision with all its files. */
export async function getRevisionResources(q: Queryable, namespace: string, name: string): Promise<ResourcesObject> {
  const row = await getPackageRevision(q, namespace, name);
  if (!row) throw new NotFoundError(resourcesRef(name));
  return toResources(row, await getResources(q, namespace, name));
}

/** One page of resources objects: the page's files are read with one query per namespace on the page. */
export async function listRevisionResources(q: Queryable, options: ListOptions): Promise<Page<ResourcesObject>> {
  const page = await listPackageRevisions(q, options);
  const byNamespace = new Map<string, string[]>();
  for (const row of page.items) byNamespace.set(row.namespace, [...(byNamespace.get(row.namespace) ?? []), row.name]);
  const files = new Map<string, Record<string, string>>();
  for (const [ns, names] of byNamespace) {
    const found = await getResourcesOf(q, ns, names);
    for (const [name, f] of found) files.set(`${ns}/${name}`, f);
  }
  return {
    items: page.items.map((row) => toResources(row, files.get(`${row.namespace}/${row.name}`) ?? {})),
    continue: page.continue,
  };
}
