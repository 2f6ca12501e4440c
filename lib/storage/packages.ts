/**
 * Storage of packages (table `packages`). A package row is created with its first revision and removed by the
 * database with its last one; clients only read them.
 */
import type { Queryable } from '../db/queryable.js';
import { packageName, packageUid } from '../names.js';
import type { FieldSelector } from '../selectors/field-selector.js';
import type { LabelSelector } from '../selectors/label-selector.js';
import { decodeContinue, pageLimit, rowBudget, toPage } from './pagination.js';
import { addKeyset, addLabelConditions, effectiveNamespace, toFieldSelector, toLabelSelector } from './selector-sql.js';
import { SqlFilter } from './sql-filter.js';
import { insertList } from './sql.js';
import type { ListOptions, PackageRow, Page } from './types.js';

/** The select list of a PackageRow over alias `p`, its latest revision number given by `latestRevision`. */
export const packageColumns = (latestRevision: string) => `p.namespace, p.name, p.repository, p.path,
  substring(p.path from '[^/]+$') as "packageName", p.uid, p.meta, p.spec, ${latestRevision} as "latestRevision",
  p.resource_version::text as "resourceVersion", p.created, p.updated, p.updated_by as "updatedBy"`;

const COLUMNS = packageColumns(
  '(select r.revision from package_revisions r where r.namespace = p.namespace and r.package = p.name and r.latest)',
);

/** The columns every insert into `packages` writes (see `insertList`); the others keep their defaults. */
export const PACKAGE_INSERT_COLUMNS = ['namespace', 'name', 'repository', 'path', 'uid', 'updated_by'] as const;

/** Creates the package row of (repository, path) unless it exists; returns its name. Part of a revision write. */
export async function ensurePackage(
  q: Queryable,
  namespace: string,
  repository: string,
  path: string,
  updatedBy: string,
): Promise<string> {
  const name = packageName(repository, path);
  const row = insertList(PACKAGE_INSERT_COLUMNS, {
    namespace: '$1',
    name: '$2',
    repository: '$3',
    path: '$4',
    uid: '$5',
    updated_by: '$6',
  });
  await q.query(
    `insert into packages (${row.columns}) values (${row.values}) on conflict (namespace, name) do nothing`,
    [namespace, name, repository, path, packageUid(namespace, name), updatedBy],
  );
  return name;
}

/** One package with its latest revision number, or undefined. */
export async function getPackage(q: Queryable, namespace: string, name: string): Promise<PackageRow | undefined> {
  const { rows } = await q.query<PackageRow>(
    `select ${COLUMNS} from packages p where p.namespace = $1 and p.name = $2`,
    [namespace, name],
  );
  return rows[0];
}

/** The conditions of a package field and label selector (namespace aside), as lists and watches apply them. */
export function addPackageConditions(f: SqlFilter, fields: FieldSelector, labels: LabelSelector): void {
  for (const t of fields.terms) {
    if (t.field === 'metadata.name') f.where(`name = ${f.bind(t.value)}`);
    else if (t.field === 'spec.repository') f.where(`repository = ${f.bind(t.value)}`);
    else if (t.field === 'spec.packageName') f.where(`substring(path from '[^/]+$') = ${f.bind(t.value)}`);
  }
  addLabelConditions(f, `meta -> 'labels'`, labels);
}

/**
 * One page of packages ordered by (namespace, name). Field selectors: metadata.name, metadata.namespace,
 * spec.repository, spec.packageName (last path segment, as in Porch).
 */
export async function listPackages(q: Queryable, opts: ListOptions = {}): Promise<Page<PackageRow>> {
  const fields = toFieldSelector(opts.fieldSelector, 'packages');
  const labels = toLabelSelector(opts.labelSelector);
  const limit = pageLimit(opts.limit);
  const f = new SqlFilter();
  addKeyset(f, effectiveNamespace(opts.namespace, fields), opts.continue ? decodeContinue(opts.continue) : undefined);
  addPackageConditions(f, fields, labels);
  const { rows } = await q.query<PackageRow>(
    `select ${COLUMNS} from packages p ${f.clause()} order by p.namespace, p.name
     limit ${f.bind(limit + 1)}`,
    f.params,
  );
  return toPage(rows, limit, rowBudget(opts.maxBytes));
}

/** True when the repository has a package at exactly this path. */
export async function packageExists(q: Queryable, namespace: string, repository: string, path: string) {
  const { rowCount } = await q.query('select 1 from packages where namespace = $1 and repository = $2 and path = $3', [
    namespace,
    repository,
    path,
  ]);
  return Boolean(rowCount);
}

/** The first package of the repository whose path lies above or below `path` (packages cannot nest), if any. */
export async function findNestingPackage(
  q: Queryable,
  namespace: string,
  repository: string,
  path: string,
): Promise<string | undefined> {
  const ancestors = path
    .split('/')
    .slice(0, -1)
    .map((_, i, parts) => parts.slice(0, i + 1).join('/'));
  const { rows } = await q.query<{ path: string }>(
    `select path from packages
      where namespace = $1 and repository = $2 and (path = any($3) or starts_with(path, $4))
      order by path limit 1`,
    [namespace, repository, ancestors, `${path}/`],
  );
  return rows[0]?.path;
}
