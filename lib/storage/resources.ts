/** Storage of package files (table `resources`): one row per file, always written with their revision. */
import type { Queryable } from '../db/queryable.js';
import { withSqlErrors } from '../db/sql-errors.js';
import { REVISION_COLUMNS, setList, type PackageRevisionChanges } from './package-revision-columns.js';
import { insertList, throwCasMiss, versionParam } from './sql.js';
import { inTransaction, type Transactional } from './transaction.js';
import { refs, type Files, type PackageRevisionRow } from './types.js';

/** The columns every insert into `resources` writes (see `insertList`). */
export const RESOURCE_INSERT_COLUMNS = ['namespace', 'package_revision', 'path', 'content'] as const;

/** Inserts the files of one revision in one statement (the CHECK refuses unsafe paths). */
export async function insertFiles(q: Queryable, namespace: string, revision: string, files: Files): Promise<void> {
  const paths = Object.keys(files);
  if (paths.length === 0) return;
  const file = insertList(RESOURCE_INSERT_COLUMNS, {
    namespace: '$1',
    package_revision: '$2',
    path: 'f.path',
    content: 'f.content',
  });
  await q.query(
    `insert into resources (${file.columns})
     select ${file.values} from unnest($3::text[], $4::text[]) as f(path, content)`,
    [namespace, revision, paths, paths.map((p) => files[p])],
  );
}

/** The files of one revision (empty when it has none or does not exist). */
export async function getResources(q: Queryable, namespace: string, name: string): Promise<Files> {
  const { rows } = await q.query<{ path: string; content: string }>(
    `select path, content from resources where namespace = $1 and package_revision = $2 order by path`,
    [namespace, name],
  );
  return Object.fromEntries(rows.map((r) => [r.path, r.content]));
}

/** The files of several revisions of one namespace, by revision name (one query, e.g. for a PRR list page). */
export async function getResourcesOf(q: Queryable, namespace: string, names: string[]): Promise<Map<string, Files>> {
  const result = new Map<string, Files>(names.map((n) => [n, {}]));
  if (names.length === 0) return result;
  const { rows } = await q.query<{ rev: string; path: string; content: string }>(
    `select package_revision as rev, path, content from resources
      where namespace = $1 and package_revision = any($2::text[]) order by package_revision, path`,
    [namespace, names],
  );
  // defineProperty, not `files[path] =`: a file named `__proto__` must stay a file, not become the prototype.
  for (const r of rows)
    Object.defineProperty(result.get(r.rev)!, r.path, {
      value: r.content,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return result;
}

/**
 * Bytes the files of each revision take as response text (`namespace/name` → bytes): paths and contents plus the
 * JSON quoting around each. octet_length reads a stored value's size without fetching or decompressing it.
 */
export async function resourceBytesOf(
  q: Queryable,
  revisions: { namespace: string; name: string }[],
): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  if (revisions.length === 0) return sizes;
  const { rows } = await q.query<{ key: string; bytes: string }>(
    `select r.namespace || '/' || r.package_revision as key, sum(octet_length(r.path) + octet_length(r.content) + 6) as bytes
       from resources r join unnest($1::text[], $2::text[]) as v(namespace, name)
         on r.namespace = v.namespace and r.package_revision = v.name
      group by r.namespace, r.package_revision`,
    [revisions.map((r) => r.namespace), revisions.map((r) => r.name)],
  );
  for (const r of rows) sizes.set(r.key, Number(r.bytes));
  return sizes;
}

/**
 * Replaces all files of a revision and applies `changes` to its row (e.g. Kptfile-derived fields), in one
 * transaction and only if the revision still has `expectedResourceVersion` (compare-and-set on the row first, so a
 * stale writer changes nothing). Returns the updated row with its new resourceVersion.
 */
export async function replaceResources(
  db: Transactional,
  namespace: string,
  name: string,
  expectedResourceVersion: string,
  files: Files,
  changes: PackageRevisionChanges,
  updatedBy: string,
): Promise<PackageRevisionRow> {
  const ref = refs.packageRevisionResources(name);
  return withSqlErrors({ ref }, () =>
    inTransaction(db, async (tx) => {
      const values: unknown[] = [namespace, name, versionParam(expectedResourceVersion), updatedBy];
      const sets = ['updated_by = $4', ...setList(changes, values)];
      const { rows } = await tx.query<PackageRevisionRow>(
        `update package_revisions set ${sets.join(', ')} where namespace = $1 and name = $2 and resource_version = $3
         returning ${REVISION_COLUMNS}`,
        values,
      );
      if (!rows[0]) return throwCasMiss(tx, 'package_revisions', namespace, name, ref);
      await tx.query(`delete from resources where namespace = $1 and package_revision = $2`, [namespace, name]);
      await insertFiles(tx, namespace, name, files);
      return rows[0];
    }),
  );
}
