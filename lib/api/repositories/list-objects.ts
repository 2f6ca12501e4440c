import type { Queryable } from '../../db/queryable.js';
import { listRepositories } from '../../storage/repositories.js';
import { getSyncStates } from '../../storage/repository-sync.js';
import type { ListOptions, Page, RepositoryRow, RepositorySyncRow } from '../../storage/types.js';
import { toRepositoryObject, type RepositoryObject } from './repository-object.js';

/** The sync states of a page that may span namespaces, fetched one query per namespace. */
async function syncStatesOf(q: Queryable, rows: RepositoryRow[]): Promise<Map<string, RepositorySyncRow>> {
  const byNamespace = new Map<string, string[]>();
  for (const r of rows) byNamespace.set(r.namespace, [...(byNamespace.get(r.namespace) ?? []), r.name]);
  const out = new Map<string, RepositorySyncRow>();
  for (const [ns, names] of byNamespace) {
    for (const s of await getSyncStates(q, ns, names)) out.set(`${s.namespace}/${s.repository}`, s);
  }
  return out;
}

/** One page of Repository objects with their sync status. */
export async function listRepositoryObjects(q: Queryable, options: ListOptions): Promise<Page<RepositoryObject>> {
  const page = await listRepositories(q, options);
  const states = await syncStatesOf(q, page.items);
  const items = page.items.map((row) => toRepositoryObject(row, states.get(`${row.namespace}/${row.name}`)));
  return { items, continue: page.continue };
}
