/** The per-repository sync state (table `repository_sync`): what the last sync saw, did, and when the next is due. */
import type { Queryable } from '../db/queryable.js';
import { withSqlErrors } from '../db/sql-errors.js';
import { json } from './sql.js';
import { REPOSITORY_COLUMNS } from './repositories.js';
import { refs, type DiscoveredKey, type RepositoryRow, type RepositorySyncRow, type SkippedRef } from './types.js';

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

/** repository_sync as a sync run starts with: small columns only (the ref maps are read when refs changed). */
export interface SyncMemory {
  version: string | null;
  /** Head of the branch at the last successful sync. */
  commitHash: string | null;
  skipped: SkippedRef[];
  lastFullSyncTime: Date | null;
  observedGeneration: number;
  observedRunOnceAt: Date | null;
  packageCount: number;
}

/** What a finished sync writes back: the repository_sync columns (as stored) plus what only this run knows. */
export interface SyncOutcome
  extends Pick<
    RepositorySyncRow,
    | 'refs'
    | 'commitHash'
    | 'nextFullSyncTime'
    | 'observedGeneration'
    | 'observedRunOnceAt'
    | 'packageCount'
    | 'cachedOnly'
    | 'both'
    | 'externalOnly'
    | 'skipped'
  > {
  version: string;
  discovered: Record<string, DiscoveredKey[]>;
  finished: Date;
  durationMs: number;
}

/** The sync columns readSyncStart reads, prefixed so they cannot clash with the repository's (toBegun splits). */
const MEMORY_COLUMNS = `s.version as "m:version", s.commit_hash as "m:commitHash",
  coalesce(s.skipped, '[]') as "m:skipped", s.last_full_sync_time as "m:lastFullSyncTime",
  coalesce(s.observed_generation, 0)::int as "m:observedGeneration", s.observed_run_once_at as "m:observedRunOnceAt",
  coalesce(s.package_count, 0) as "m:packageCount"`;

/** Splits a readSyncStart row into the repository and the sync memory. */
function toBegun(row: Record<string, unknown>): { repository: RepositoryRow; memory: SyncMemory } {
  const repository: Record<string, unknown> = {};
  const memory: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key.startsWith('m:')) memory[key.slice(2)] = value;
    else repository[key] = value;
  }
  return { repository: repository as unknown as RepositoryRow, memory: memory as unknown as SyncMemory };
}

/**
 * The repository with what the last sync remembered (nothing, before its first), in one read; undefined when the
 * repository no longer exists. Nothing is written: a sync whose refs are unchanged writes only its end
 * (finishUnchangedSync).
 */
export async function readSyncStart(
  q: Queryable,
  namespace: string,
  name: string,
): Promise<{ repository: RepositoryRow; memory: SyncMemory } | undefined> {
  const { rows } = await q.query(
    `with r as (select ${REPOSITORY_COLUMNS} from repositories where namespace = $1 and name = $2)
     select r.*, ${MEMORY_COLUMNS}
       from r left join repository_sync s on s.namespace = r.namespace and s.repository = r.name`,
    [namespace, name],
  );
  return rows[0] ? toBegun(rows[0]) : undefined;
}

/** Marks the repository Reconciling: the sync found changed refs and reads them (docs/porch-semantics.md §8.1). */
export async function markReconciling(q: Queryable, namespace: string, name: string): Promise<void> {
  await q.query(
    `insert into repository_sync (namespace, repository, state, message)
     select namespace, name, 'Reconciling', '' from repositories where namespace = $1 and name = $2
     on conflict (namespace, repository) do update
       set state = 'Reconciling', message = '', updated = clock_timestamp()`,
    [namespace, name],
  );
}

/** What the last successful sync saw per ref (ref → oid, ref → revision keys); read only when the refs changed. */
export async function loadSeenRefs(
  q: Queryable,
  namespace: string,
  name: string,
): Promise<{ refs: Record<string, string>; discovered: Record<string, DiscoveredKey[]> }> {
  const { rows } = await q.query(
    'select refs, discovered from repository_sync where namespace = $1 and repository = $2',
    [namespace, name],
  );
  return { refs: rows[0]?.refs ?? {}, discovered: rows[0]?.discovered ?? {} };
}

/** Records a successful sync: what was seen (for the next incremental sync), the counts and Ready. */
export async function finishSync(q: Queryable, namespace: string, name: string, o: SyncOutcome): Promise<void> {
  await q.query(
    `update repository_sync set refs = $3, version = $4, discovered = $5, commit_hash = $6, state = 'Ready',
            message = 'Repository Ready', last_full_sync_time = $7, next_full_sync_time = $8, observed_generation = $9,
            observed_run_once_at = $10, package_count = $11, cached_only = $12, both_count = $13, external_only = $14,
            skipped = $15, duration_ms = $16, syncs = syncs + 1, updated = clock_timestamp()
      where namespace = $1 and repository = $2`,
    [
      namespace,
      name,
      json(o.refs),
      o.version,
      json(o.discovered),
      o.commitHash,
      o.finished,
      o.nextFullSyncTime,
      o.observedGeneration,
      o.observedRunOnceAt,
      o.packageCount,
      o.cachedOnly,
      o.both,
      o.externalOnly,
      json(o.skipped),
      o.durationMs,
    ],
  );
}

/** Records a sync that found the refs unchanged: only times and Ready move; what was seen stays. */
export async function finishUnchangedSync(
  q: Queryable,
  namespace: string,
  name: string,
  o: Pick<SyncOutcome, 'finished' | 'nextFullSyncTime' | 'observedGeneration' | 'observedRunOnceAt' | 'durationMs'>,
): Promise<void> {
  await q.query(
    `update repository_sync set state = 'Ready', message = 'Repository Ready', last_full_sync_time = $3,
            next_full_sync_time = $4, observed_generation = $5, observed_run_once_at = $6, cached_only = 0,
            both_count = package_count, external_only = 0, duration_ms = $7, syncs = syncs + 1,
            updated = clock_timestamp()
      where namespace = $1 and repository = $2`,
    [namespace, name, o.finished, o.nextFullSyncTime, o.observedGeneration, o.observedRunOnceAt, o.durationMs],
  );
}

/** Records a failed sync (Ready=False, reason Error); what was seen before stays, so the next sync redoes the work. */
export async function failSync(
  q: Queryable,
  namespace: string,
  name: string,
  o: { message: string; nextFullSyncTime: Date; durationMs: number },
): Promise<void> {
  await q.query(
    `insert into repository_sync (namespace, repository, state, message, next_full_sync_time, duration_ms, syncs)
     select namespace, name, 'Error', $3, $4, $5, 1 from repositories where namespace = $1 and name = $2
     on conflict (namespace, repository) do update set state = 'Error', message = $3, next_full_sync_time = $4,
       duration_ms = $5, syncs = repository_sync.syncs + 1, updated = clock_timestamp()`,
    [namespace, name, o.message, o.nextFullSyncTime, o.durationMs],
  );
}
