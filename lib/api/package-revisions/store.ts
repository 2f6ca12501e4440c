/**
 * The storage calls this service makes, in one place. Most come from lib/storage; the few queries that only the
 * package-revision service needs (deployment flags of a page) live here.
 */
import type { Queryable } from '../../db/queryable.js';
import type { PackageRevisionRow } from '../../storage/types.js';

export { getRepository } from '../../storage/repositories.js';
export {
  getPackageRevision,
  createPackageRevision,
  updatePackageRevision,
  deletePackageRevision,
  nextRevisionNumber,
  findUpstreamReferences,
} from '../../storage/package-revisions.js';
export { getResources, replaceResources } from '../../storage/resources.js';
export { listPackageRevisions, listPackageRevisionResources } from '../../storage/package-revision-list.js';
export { publishPackageRevision } from '../../storage/publish.js';

/** `<ns>/<repo>` of every deployment repository among the rows' repositories, in one query. */
export async function deploymentFlags(q: Queryable, rows: Pick<PackageRevisionRow, 'namespace' | 'repository'>[]) {
  const keys = [...new Set(rows.map((r) => `${r.namespace}/${r.repository}`))];
  if (!keys.length) return new Set<string>();
  const { rows: found } = await q.query<{ key: string }>(
    `select namespace || '/' || name as key from repositories
      where deployment and (namespace, name) in (select * from unnest($1::text[], $2::text[]))`,
    [keys.map((k) => k.split('/')[0]), keys.map((k) => k.slice(k.indexOf('/') + 1))],
  );
  return new Set(found.map((r) => r.key));
}
