/**
 * Publish in the database (docs/porch-semantics.md §4.4, §5): Proposed/0 → Published/N and the package's placeholder
 * row
 * `<repo>.<dotted path>.<branch>` upserted with a copy of the revision's files, tasks, locks and conditions, in
 * one transaction. The latest flag is moved by the database trigger.
 */
import type { Queryable } from '../db/queryable.js';
import { withSqlErrors } from '../db/sql-errors.js';
import { packageRevisionUid, placeholderName } from '../names.js';
import { isDnsLabel } from '../validation.js';
import { REVISION_COLUMNS, REVISION_INSERT_COLUMNS } from './package-revision-columns.js';
import { getPackageRevision } from './package-revisions.js';
import { RESOURCE_INSERT_COLUMNS } from './resources.js';
import { insertList, json, throwCasMiss, versionParam } from './sql.js';
import { inTransaction, type Transactional } from './transaction.js';
import { refs, type Lock, type PackageRevisionRow } from './types.js';

export interface PublishInput {
  namespace: string;
  name: string;
  /** When given, the publish applies only if the row still has this resourceVersion. */
  expectedResourceVersion?: string;
  /** The number given to the revision (its git tag is `…/v<revision>`). */
  revision: number;
  /** The self lock of the published revision (the tag and its commit). */
  selfLock: Lock;
  publishedBy: string;
  /** Default: now. */
  publishTimestamp?: Date;
  /** The repository branch: the placeholder's workspace. Omit to skip the placeholder. */
  branch?: string;
  updatedBy: string;
}

export interface PublishResult {
  revision: PackageRevisionRow;
  placeholder?: PackageRevisionRow;
}

async function upsertPlaceholder(tx: Queryable, rev: PackageRevisionRow, branch: string, updatedBy: string) {
  const name = placeholderName(rev.repository, rev.packagePath, branch);
  const copy = insertList(REVISION_INSERT_COLUMNS, {
    namespace: 'namespace',
    name: '$3',
    package: 'package',
    repository: 'repository',
    package_path: 'package_path',
    workspace: '$4',
    revision: '-1',
    lifecycle: `'Published'`,
    uid: '$5',
    meta: `'{}'::jsonb`,
    spec: `'{}'::jsonb`,
    tasks: 'tasks',
    self_lock: 'self_lock',
    upstream_lock: 'upstream_lock',
    conditions: 'conditions',
    published_by: 'published_by',
    publish_timestamp: 'publish_timestamp',
    updated_by: '$6',
  });
  const { rows } = await tx.query<{ name: string }>(
    `insert into package_revisions (${copy.columns})
     select ${copy.values} from package_revisions where namespace = $1 and name = $2
     on conflict (namespace, name) do update set tasks = excluded.tasks, self_lock = excluded.self_lock,
       upstream_lock = excluded.upstream_lock, conditions = excluded.conditions, published_by = excluded.published_by,
       publish_timestamp = excluded.publish_timestamp, updated_by = excluded.updated_by
     returning name`,
    [rev.namespace, rev.name, name, branch, packageRevisionUid(rev.namespace, name), updatedBy],
  );
  await tx.query(`delete from resources where namespace = $1 and package_revision = $2`, [rev.namespace, name]);
  const files = insertList(RESOURCE_INSERT_COLUMNS, {
    namespace: 'namespace',
    package_revision: '$3',
    path: 'path',
    content: 'content',
  });
  await tx.query(
    `insert into resources (${files.columns})
     select ${files.values} from resources where namespace = $1 and package_revision = $2`,
    [rev.namespace, rev.name, name],
  );
  return (await getPackageRevision(tx, rev.namespace, rows[0]!.name))!;
}

/**
 * Publishes a Proposed revision as number `revision`. 409 when the number is taken (e.g. a concurrent publish) or
 * the resourceVersion is stale; 422 when the row is not Proposed; 404 when it does not exist.
 */
export async function publishPackageRevision(db: Transactional, p: PublishInput): Promise<PublishResult> {
  const ref = refs.packageRevision(p.name);
  const rv = p.expectedResourceVersion === undefined ? undefined : versionParam(p.expectedResourceVersion);
  return withSqlErrors({ ref, revision: p.revision }, () =>
    inTransaction(db, async (tx) => {
      if (rv === null) return throwCasMiss(tx, 'package_revisions', p.namespace, p.name, ref);
      const { rows } = await tx.query<PackageRevisionRow>(
        `update package_revisions set revision = $4, lifecycle = 'Published', self_lock = $5::jsonb, published_by = $6,
           publish_timestamp = coalesce($7, clock_timestamp()), updated_by = $8
         where namespace = $1 and name = $2 and ($3::bigint is null or resource_version = $3)
         returning ${REVISION_COLUMNS}`,
        [
          p.namespace,
          p.name,
          rv ?? null,
          p.revision,
          json(p.selfLock),
          p.publishedBy,
          p.publishTimestamp ?? null,
          p.updatedBy,
        ],
      );
      if (!rows[0]) return throwCasMiss(tx, 'package_revisions', p.namespace, p.name, ref);
      const published = rows[0];
      const placeholder =
        // A branch the storage rules cannot hold as a workspace gets no placeholder (sync skips it the same way).
        p.branch &&
        isDnsLabel(p.branch) &&
        p.branch !== published.workspace &&
        published.package.length + p.branch.length < 253
          ? await upsertPlaceholder(tx, published, p.branch, p.updatedBy)
          : undefined;
      const revision = (await getPackageRevision(tx, p.namespace, p.name))!;
      return placeholder ? { revision, placeholder } : { revision };
    }),
  );
}

/**
 * Numbers of the package that the database does not hold but a half-done publish may have tagged in git, highest
 * first: the `after` numbers following the highest, then the gaps among the `highest` numbers held; at most
 * `highest + after` of them. Bounded, so a publish costs the same with 50 revisions or 5,000: a tag in an older gap
 * is left to sync (docs/publish.md).
 */
export async function unclaimedRevisionNumbers(
  q: Queryable,
  namespace: string,
  pkg: string,
  window: { highest: number; after: number },
): Promise<number[]> {
  const { rows } = await q.query<{ revision: number }>(
    `select revision from package_revisions where namespace = $1 and package = $2 and revision > 0
     order by revision desc limit $3`,
    [namespace, pkg, window.highest],
  );
  const held = new Set(rows.map((r) => r.revision));
  const top = rows[0]?.revision ?? 0;
  // Below the window's lowest number only when the window holds every number of the package.
  const floor = rows.length < window.highest ? 1 : rows.at(-1)!.revision;
  const numbers: number[] = [];
  const most = window.highest + window.after;
  for (let n = top + window.after; n >= floor && numbers.length < most; n--) if (!held.has(n)) numbers.push(n);
  return numbers;
}
