/** Read-only lookups on package revisions that the API's rules need (docs/porch-semantics.md §4.5, §5, §10). */
import type { Queryable } from '../db/queryable.js';
import { REVISION_COLUMNS } from './package-revision-columns.js';
import type { PackageRevisionRow } from './types.js';

/** True when a package revision of this name exists in the namespace. */
export async function revisionExists(q: Queryable, namespace: string, name: string): Promise<boolean> {
  const { rowCount } = await q.query('select 1 from package_revisions where namespace = $1 and name = $2', [
    namespace,
    name,
  ]);
  return Boolean(rowCount);
}

/** Several revisions of one namespace by name (missing names are left out), ordered by name. */
export async function getPackageRevisions(
  q: Queryable,
  namespace: string,
  names: string[],
): Promise<PackageRevisionRow[]> {
  const { rows } = await q.query<PackageRevisionRow>(
    `select ${REVISION_COLUMNS} from package_revisions where namespace = $1 and name = any($2::text[]) order by name`,
    [namespace, names],
  );
  return rows;
}

/** Every revision of a package (placeholder included), ordered by name. */
export async function listRevisionsOfPackage(
  q: Queryable,
  namespace: string,
  pkg: string,
): Promise<PackageRevisionRow[]> {
  const { rows } = await q.query<PackageRevisionRow>(
    `select ${REVISION_COLUMNS} from package_revisions where namespace = $1 and package = $2 order by name`,
    [namespace, pkg],
  );
  return rows;
}

/** The number the next publish of a package gets: its latest revision + 1, or 1 (docs/porch-semantics.md §5). */
export async function nextRevisionNumber(q: Queryable, namespace: string, pkg: string): Promise<number> {
  const { rows } = await q.query<{ next: number }>(
    `select coalesce((select revision from package_revisions where namespace = $1 and package = $2 and latest), 0) + 1 as next`,
    [namespace, pkg],
  );
  return rows[0]!.next;
}

/**
 * Names of the non-placeholder revisions of the namespace whose clone or upgrade task names `name` as upstream
 * (docs/porch-semantics.md §10: such a revision blocks the delete).
 */
export async function findUpstreamReferences(q: Queryable, namespace: string, name: string): Promise<string[]> {
  // A placeholder is revision -1 on the branch (docs/porch-semantics.md §6); a revision -1 from an unversioned tag
  // still counts.
  const { rows } = await q.query<{ name: string }>(
    `select pr.name from package_revisions pr
       join repositories r on r.namespace = pr.namespace and r.name = pr.repository
      where pr.namespace = $1 and not (pr.revision = -1 and pr.workspace = r.branch)
        and (pr.tasks @> $2::jsonb or pr.tasks @> $3::jsonb)
      order by pr.name`,
    [
      namespace,
      JSON.stringify([{ clone: { upstreamRef: { upstreamRef: { name } } } }]),
      JSON.stringify([{ upgrade: { newUpstreamRef: { name } } }]),
    ],
  );
  return rows.map((r) => r.name);
}
