/** The per-repository sync state (table `repository_sync`): what the last sync saw, did, and when the next is due. */
import type { Queryable } from '../db/queryable.js';
import { withSqlErrors } from '../db/sql-errors.js';
import { json } from './sql.js';
import { refs, type RepositorySyncRow } from './types.js';

/** The select list of a RepositorySyncRow (also applied to sync states kept in the change log). */
export const SYNC_COLUMNS = `namespace, repository, refs, version, commit_hash as "commitHash", state, message,
  last_full_sync_time as "lastFullSyncTime", next_full_sync_time as "nextFullSyncTime",
  observed_generation::int as "observedGeneration", observed_run_once_at as "observedRunOnceAt",
  package_count as "packageCount", cached_only as "cachedOnly", both_count as "both", external_only as "externalOnly",
  skipped, duration_ms as "durationMs", updated`;

// Field → column (and whether it is jsonb). Only these names ever reach the SQL text.
const FIELDS: Record<string, [string, boolean]> = {
  refs: ['refs', true],
  version: ['version', false],
  commitHash: ['commit_hash', false],
  state: ['state', false],
  message: ['message', false],
  lastFullSyncTime: ['last_full_sync_time', false],
  nextFullSyncTime: ['next_full_sync_time', false],
  observedGeneration: ['observed_generation', false],
  observedRunOnceAt: ['observed_run_once_at', false],
  packageCount: ['package_count', false],
  cachedOnly: ['cached_only', false],
  both: ['both_count', false],
  externalOnly: ['external_only', false],
  skipped: ['skipped', true],
  durationMs: ['duration_ms', false],
};

export type SyncStatePatch = Partial<Omit<RepositorySyncRow, 'namespace' | 'repository' | 'updated'>>;

/** The sync state of a repository, or undefined. */
export async function getSyncState(
  q: Queryable,
  namespace: string,
  repository: string,
): Promise<RepositorySyncRow | undefined> {
  const { rows } = await q.query<RepositorySyncRow>(
    `select ${SYNC_COLUMNS} from repository_sync where namespace = $1 and repository = $2`,
    [namespace, repository],
  );
  return rows[0];
}

/** The sync states of many repositories of a namespace (e.g. one page of a Repository list). */
export async function getSyncStates(
  q: Queryable,
  namespace: string,
  repositories: string[],
): Promise<RepositorySyncRow[]> {
  const { rows } = await q.query<RepositorySyncRow>(
    `select ${SYNC_COLUMNS} from repository_sync where namespace = $1 and repository = any($2::text[])`,
    [namespace, repositories],
  );
  return rows;
}

/**
 * Writes the given fields of a repository's sync state (creating the row when missing); fields not given keep
 * their value. NotFoundError when the repository does not exist.
 */
export async function saveSyncState(
  q: Queryable,
  namespace: string,
  repository: string,
  patch: SyncStatePatch,
): Promise<RepositorySyncRow> {
  const columns: string[] = [];
  const values: unknown[] = [namespace, repository];
  const placeholders: string[] = [];
  for (const [field, value] of Object.entries(patch)) {
    const spec = FIELDS[field];
    if (!spec || value === undefined) continue;
    columns.push(spec[0]);
    values.push(spec[1] ? json(value) : value);
    placeholders.push(`$${values.length}${spec[1] ? '::jsonb' : ''}`);
  }
  const set = columns
    .map((c) => `${c} = excluded.${c}`)
    .concat('updated = clock_timestamp()')
    .join(', ');
  return withSqlErrors({ ref: refs.repository(repository) }, async () => {
    const { rows } = await q.query<RepositorySyncRow>(
      `insert into repository_sync (namespace, repository${columns.map((c) => `, ${c}`).join('')})
       values ($1, $2${placeholders.map((p) => `, ${p}`).join('')})
       on conflict (namespace, repository) do update set ${set}
       returning ${SYNC_COLUMNS}`,
      values,
    );
    return rows[0]!;
  });
}

export interface DueRepository {
  namespace: string;
  name: string;
  generation: number;
  nextFullSyncTime: Date | null;
}

/**
 * Repositories due for a sync at `now`: never synced, next sync time reached, or spec generation not yet synced (a
 * changed spec or runOnceAt) unless the last attempt failed: then the retry time the failure set governs, so a
 * broken repository is not retried on every tick (a spec change resets that time, see updateRepository).
 * Most overdue first.
 */
export async function listDueRepositories(q: Queryable, now: Date, limit: number): Promise<DueRepository[]> {
  const { rows } = await q.query<DueRepository>(
    `select r.namespace, r.name, r.generation::int as generation, s.next_full_sync_time as "nextFullSyncTime"
       from repositories r left join repository_sync s on s.namespace = r.namespace and s.repository = r.name
      where s.repository is null or s.next_full_sync_time <= $1
         or (s.observed_generation <> r.generation and s.state <> 'Error')
      order by s.next_full_sync_time nulls first, r.namespace, r.name
      limit $2`,
    [now, limit],
  );
  return rows;
}
