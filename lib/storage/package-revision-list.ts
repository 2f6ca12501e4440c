/**
 * Lists of package revisions (and of their resources) with Porch's field and label selectors (docs/porch-semantics.md
 * §9) as bound parameters and keyset pagination. Namespace-scoped lists read `namespace = $1 and … and name > $k order
 * by name`, which the (namespace, <column>, name) indexes of 0001 serve without a sort.
 */
import type { Queryable } from '../db/queryable.js';
import type { SelectorKind } from '../selectors/field-selector.js';
import { REVISION_COLUMNS } from './package-revision-columns.js';
import { decodeContinue, jsonBytes, pageLimit, rowBudget, toPage } from './pagination.js';
import { getResourcesOf, resourceBytesOf } from './resources.js';
import {
  addKeyset,
  addLabelConditions,
  addRevisionFieldConditions,
  effectiveNamespace,
  toFieldSelector,
  toLabelSelector,
} from './selector-sql.js';
import { SqlFilter } from './sql-filter.js';
import type { Files, ListOptions, Page, PackageRevisionRow } from './types.js';

/** The SELECT of one page (plus `extraColumns`, SQL of this module only), exposed for EXPLAIN in tests and benchmarks. */
export function buildRevisionListQuery(
  opts: ListOptions,
  kind: SelectorKind = 'packagerevisions',
  extraColumns = '',
): { text: string; values: unknown[]; limit: number } {
  const fields = toFieldSelector(opts.fieldSelector, kind);
  const labels = toLabelSelector(opts.labelSelector);
  const limit = pageLimit(opts.limit);
  const f = new SqlFilter();
  addKeyset(f, effectiveNamespace(opts.namespace, fields), opts.continue ? decodeContinue(opts.continue) : undefined);
  addRevisionFieldConditions(f, fields);
  addLabelConditions(f, `meta -> 'labels'`, labels, true);
  const columns = extraColumns ? `${REVISION_COLUMNS}, ${extraColumns}` : REVISION_COLUMNS;
  const text = `select ${columns} from package_revisions ${f.clause()} order by namespace, name limit ${f.bind(limit + 1)}`;
  return { text, values: f.params, limit };
}

/** The Repository's deployment flag of each row, as one more column of the page's own query (no second round trip). */
const DEPLOYMENT_COLUMN = `coalesce((select r.deployment from repositories r
  where r.namespace = package_revisions.namespace and r.name = package_revisions.repository), false) as deployment`;

/**
 * One page of package revisions ordered by (namespace, name), each with its Repository's deployment flag
 * (`status.deployment`). Bad selectors or tokens → BadRequestError.
 */
export async function listPackageRevisions(
  q: Queryable,
  opts: ListOptions = {},
): Promise<Page<PackageRevisionRow & { deployment: boolean }>> {
  const { text, values, limit } = buildRevisionListQuery(opts, 'packagerevisions', DEPLOYMENT_COLUMN);
  const { rows } = await q.query<PackageRevisionRow & { deployment: boolean }>(text, values);
  return toPage(rows, limit, rowBudget(opts.maxBytes));
}

/** One page of package revisions with all their files (PackageRevisionResources list); two queries per page. */
export async function listPackageRevisionResources(
  q: Queryable,
  opts: ListOptions = {},
): Promise<Page<{ revision: PackageRevisionRow; files: Files }>> {
  const { text, values, limit } = buildRevisionListQuery(opts, 'packagerevisionresources');
  const { rows } = await q.query<PackageRevisionRow>(text, values);
  // The files are sized before they are read, so a page over the budget is neither answered nor held in memory.
  const sizes = opts.maxBytes === undefined ? undefined : await resourceBytesOf(q, rows.slice(0, limit));
  const page = toPage(
    rows,
    limit,
    sizes && {
      maxBytes: opts.maxBytes!,
      sizeOf: (r) => jsonBytes(r) + (sizes.get(`${r.namespace}/${r.name}`) ?? 0),
    },
  );
  const byNamespace = new Map<string, string[]>();
  for (const r of page.items) byNamespace.set(r.namespace, [...(byNamespace.get(r.namespace) ?? []), r.name]);
  const files = new Map<string, Files>();
  for (const [ns, names] of byNamespace) {
    for (const [name, f] of await getResourcesOf(q, ns, names)) files.set(`${ns}/${name}`, f);
  }
  const items = page.items.map((revision) => ({
    revision,
    files: files.get(`${revision.namespace}/${revision.name}`) ?? {},
  }));
  return { items, ...(page.continue ? { continue: page.continue } : {}) };
}
