/**
 * The change log (table `change_log`, written by the triggers of migrations/0006 and 0011): read in resourceVersion
 * order up to the horizon, with each entry's row rebuilt through the same select lists the tables' reads use.
 */
import type { Queryable } from '../db/queryable.js';
import { REVISION_COLUMNS } from './package-revision-columns.js';
import { packageColumns } from './packages.js';
import { REPOSITORY_COLUMNS } from './repositories.js';
import { SYNC_COLUMNS } from './repository-sync.js';
import type { PackageRevisionRow, PackageRow, RepositoryRow, RepositorySyncRow } from './types.js';

export type ChangeKind = 'Repository' | 'PorchPackage' | 'PackageRevision';
export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change, without its object. */
export interface ChangeEntry {
  resourceVersion: string;
  kind: ChangeKind;
  type: ChangeType;
  namespace: string;
  name: string;
  /** 'sync' when a Repository's sync status changed. */
  cause: string | null;
  /** The writing transaction (xid8), to tell whether a snapshot already saw the change. */
  xid: string;
}

/**
 * The highest resourceVersion up to which the log is complete: no transaction still running can commit a change at
 * or below it. Readers never go past it, so a change committed late is never skipped.
 */
export async function changeLogHorizon(q: Queryable): Promise<string> {
  const { rows } = await q.query<{ horizon: string }>('select change_log_horizon()::text as horizon');
  return rows[0]!.horizon;
}

/** A change with the object's row (and the previous one) as stored JSON, as the event relay reads it. */
export interface StoredChange extends ChangeEntry {
  object: Record<string, any>;
  previous: Record<string, any> | null;
  created: Date;
}

const ENTRY_COLUMNS = `resource_version::text as "resourceVersion", kind, type, namespace, name, cause, xid::text as xid`;

/**
 * The changes after `after` up to `horizon`, oldest first, at most `limit` (with their stored rows when `stored`);
 * `through` is how far the answer reaches (the last entry when the limit cut it short, else the horizon).
 */
export async function readChanges(
  q: Queryable,
  after: string,
  horizon: string,
  limit: number,
): Promise<{ entries: ChangeEntry[]; through: string }>;
export async function readChanges(
  q: Queryable,
  after: string,
  horizon: string,
  limit: number,
  stored: 'stored',
): Promise<{ entries: StoredChange[]; through: string }>;
export async function readChanges(
  q: Queryable,
  after: string,
  horizon: string,
  limit: number,
  stored?: 'stored',
): Promise<{ entries: ChangeEntry[]; through: string }> {
  const columns = stored ? `${ENTRY_COLUMNS}, object, previous, created` : ENTRY_COLUMNS;
  const { rows } = await q.query<ChangeEntry>(
    `select ${columns} from change_log where resource_version > $1 and resource_version <= $2
      order by resource_version limit $3`,
    [after, horizon, limit],
  );
  const through = rows.length === limit ? rows[rows.length - 1]!.resourceVersion : horizon;
  return { entries: rows, through };
}

type Keyed<T> = T & { eventVersion: string };

async function rebuild<T>(q: Queryable, versions: string[], select: string): Promise<Map<string, T>> {
  if (versions.length === 0) return new Map();
  const { rows } = await q.query<Keyed<T>>(
    `select c.resource_version::text as "eventVersion", x.* from change_log c, lateral (${select}) x
      where c.resource_version = any($1::bigint[])`,
    [versions],
  );
  return new Map(rows.map(({ eventVersion, ...row }) => [eventVersion, row as T]));
}

/** The package revision rows of the given changes, by change version. */
export function revisionChanges(q: Queryable, versions: string[]): Promise<Map<string, PackageRevisionRow>> {
  return rebuild(
    q,
    versions,
    `select ${REVISION_COLUMNS} from jsonb_populate_record(null::package_revisions, c.object)`,
  );
}

/** The package rows of the given changes (latest revision as of the change), by change version. */
export function packageChanges(q: Queryable, versions: string[]): Promise<Map<string, PackageRow>> {
  const latest = `(c.object ->> 'latest_revision')::int`;
  return rebuild(
    q,
    versions,
    `select ${packageColumns(latest)} from jsonb_populate_record(null::packages, c.object) p`,
  );
}

/** A Repository change: its row and sync status as of the change. */
export interface RepositoryChange {
  row: RepositoryRow;
  sync: RepositorySyncRow | undefined;
}

/** The repository rows and sync states of the given changes, by change version. */
export async function repositoryChanges(q: Queryable, versions: string[]): Promise<Map<string, RepositoryChange>> {
  // The sync state comes back as JSON (its times as ISO text, which the status formatting reads as dates).
  const rows = await rebuild<RepositoryRow & { syncState: RepositorySyncRow | null }>(
    q,
    versions,
    `select ${REPOSITORY_COLUMNS},
       (select to_jsonb(s) from (select ${SYNC_COLUMNS}
          from jsonb_populate_record(null::repository_sync, c.object -> 'sync')) s
         where jsonb_typeof(c.object -> 'sync') = 'object') as "syncState"
       from jsonb_populate_record(null::repositories, c.object)`,
  );
  const out = new Map<string, RepositoryChange>();
  for (const [version, { syncState, ...row }] of rows) out.set(version, { row, sync: syncState ?? undefined });
  return out;
}
