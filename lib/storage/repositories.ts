/** Storage of Repository objects (table `repositories`); registering one also creates its sync state row. */
import type { Queryable } from '../db/queryable.js';
import { withSqlErrors } from '../db/sql-errors.js';
import { decodeContinue, pageLimit, rowBudget, toPage } from './pagination.js';
import { addKeyset, addLabelConditions, effectiveNamespace, toFieldSelector, toLabelSelector } from './selector-sql.js';
import { SqlFilter } from './sql-filter.js';
import { deleteRow, json, throwCasMiss, versionParam } from './sql.js';
import type { FieldSelector } from '../selectors/field-selector.js';
import type { LabelSelector } from '../selectors/label-selector.js';
import { checkRepositoryNames } from './validate-input.js';
import { refs, type ListOptions, type Page, type RepositoryRow, type StoredMeta } from './types.js';

/** The select list of a RepositoryRow (also applied to rows kept in the change log). */
export const REPOSITORY_COLUMNS = `namespace, name, uid, type, repo_url as "repoUrl", branch, directory, deployment, meta, spec,
  generation::int as generation, resource_version::text as "resourceVersion", created, updated, updated_by as "updatedBy"`;

export interface NewRepository {
  namespace: string;
  name: string;
  type?: 'git' | 'oci';
  repoUrl: string;
  branch: string;
  /** Without leading or trailing `/`; '' = root. */
  directory: string;
  deployment?: boolean;
  meta?: StoredMeta;
  spec: Record<string, unknown>;
  updatedBy: string;
}

export interface RepositoryChanges {
  deployment?: boolean;
  meta?: StoredMeta;
  /** A changed spec increments `generation` (which makes the repository due for a sync). */
  spec?: Record<string, unknown>;
  /** Immutable: the database refuses a different value (422). */
  repoUrl?: string;
  branch?: string;
  directory?: string;
  type?: 'git' | 'oci';
}

/** Inserts a repository and its sync state (due at once) in one statement; 409 when the name is taken. */
export async function insertRepository(q: Queryable, r: NewRepository): Promise<RepositoryRow> {
  checkRepositoryNames(r.namespace, r.name);
  return withSqlErrors({ ref: refs.repository(r.name) }, async () => {
    const { rows } = await q.query<RepositoryRow>(
      `with r as (
         insert into repositories (namespace, name, type, repo_url, branch, directory, deployment, meta, spec, updated_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10) returning *),
       s as (insert into repository_sync (namespace, repository) select namespace, name from r)
       select ${REPOSITORY_COLUMNS} from r`,
      [
        r.namespace,
        r.name,
        r.type ?? 'git',
        r.repoUrl,
        r.branch,
        r.directory,
        r.deployment ?? false,
        json(r.meta ?? {}),
        json(r.spec),
        r.updatedBy,
      ],
    );
    return rows[0]!;
  });
}

/** One repository, or undefined. */
export async function getRepository(q: Queryable, namespace: string, name: string): Promise<RepositoryRow | undefined> {
  const { rows } = await q.query<RepositoryRow>(
    `select ${REPOSITORY_COLUMNS} from repositories where namespace = $1 and name = $2`,
    [namespace, name],
  );
  return rows[0];
}

/** One page of repositories ordered by (namespace, name); selectors: metadata.name/namespace and labels. */
export async function listRepositories(q: Queryable, opts: ListOptions = {}): Promise<Page<RepositoryRow>> {
  const fields = toFieldSelector(opts.fieldSelector, 'repositories');
  const labels = toLabelSelector(opts.labelSelector);
  const limit = pageLimit(opts.limit);
  const f = new SqlFilter();
  addKeyset(f, effectiveNamespace(opts.namespace, fields), opts.continue ? decodeContinue(opts.continue) : undefined);
  addRepositoryConditions(f, fields, labels);
  const { rows } = await q.query<RepositoryRow>(
    `select ${REPOSITORY_COLUMNS} from repositories ${f.clause()} order by namespace, name limit ${f.bind(limit + 1)}`,
    f.params,
  );
  return toPage(rows, limit, rowBudget(opts.maxBytes));
}

/** The conditions of a Repository field and label selector (namespace aside), as lists and watches apply them. */
export function addRepositoryConditions(f: SqlFilter, fields: FieldSelector, labels: LabelSelector): void {
  for (const t of fields.terms) if (t.field === 'metadata.name') f.where(`name = ${f.bind(t.value)}`);
  addLabelConditions(f, `meta -> 'labels'`, labels);
}

/**
 * Compare-and-set update: applies `changes` only if the row still has `expectedResourceVersion` (decided in the
 * UPDATE itself). Stale → ConflictError; absent → NotFoundError.
 */
export async function updateRepository(
  q: Queryable,
  namespace: string,
  name: string,
  expectedResourceVersion: string,
  changes: RepositoryChanges,
  updatedBy: string,
): Promise<RepositoryRow> {
  const ref = refs.repository(name);
  return withSqlErrors({ ref }, async () => {
    // A new generation makes the repository due at once, even while a failed sync waits for its retry time.
    const { rows } = await q.query<RepositoryRow>(
      `with r as (
         update repositories set
           deployment = coalesce($4, deployment),
           meta = coalesce($5::jsonb, meta),
           generation = generation + case when $6::jsonb is not null and $6::jsonb is distinct from spec then 1 else 0 end,
           spec = coalesce($6::jsonb, spec),
           repo_url = coalesce($7, repo_url), branch = coalesce($8, branch), directory = coalesce($9, directory),
           type = coalesce($10, type), updated_by = $11
         where namespace = $1 and name = $2 and resource_version = $3
         returning *),
       s as (update repository_sync s set next_full_sync_time = least(s.next_full_sync_time, clock_timestamp())
               from r where s.namespace = r.namespace and s.repository = r.name and s.observed_generation <> r.generation)
       select ${REPOSITORY_COLUMNS} from r`,
      [
        namespace,
        name,
        versionParam(expectedResourceVersion),
        changes.deployment ?? null,
        json(changes.meta),
        json(changes.spec),
        changes.repoUrl ?? null,
        changes.branch ?? null,
        changes.directory ?? null,
        changes.type ?? null,
        updatedBy,
      ],
    );
    return rows[0] ?? throwCasMiss(q, 'repositories', namespace, name, ref);
  });
}

/**
 * Deletes a repository with everything cached for it (packages, revisions, resources, sync state cascade).
 * With `expectedResourceVersion`, only if unchanged. Returns the deleted row.
 */
export async function deleteRepository(
  q: Queryable,
  namespace: string,
  name: string,
  expectedResourceVersion?: string,
): Promise<RepositoryRow> {
  return deleteRow<RepositoryRow>(
    q,
    'repositories',
    REPOSITORY_COLUMNS,
    namespace,
    name,
    expectedResourceVersion,
    refs.repository(name),
  );
}

/** `<ns>/<repo>` of every deployment repository among the rows' repositories, in one query (watch event batches). */
export async function deploymentFlags(q: Queryable, rows: { namespace: string; repository: string }[]) {
  const keys = [...new Set(rows.map((r) => `${r.namespace}/${r.repository}`))];
  if (!keys.length) return new Set<string>();
  const { rows: found } = await q.query<{ key: string }>(
    `select namespace || '/' || name as key from repositories
      where deployment and (namespace, name) in (select * from unnest($1::text[], $2::text[]))`,
    [keys.map((k) => k.split('/')[0]), keys.map((k) => k.slice(k.indexOf('/') + 1))],
  );
  return new Set(found.map((r) => r.key));
}
