import type { Queryable } from '../db/queryable.js';
import type { RepositoryRow, RepositorySyncRow } from '../storage/types.js';
import type { SkippedRef } from '../git/index.js';
import type { DiscoveredByRef } from './discovered-refs.js';

/** A published revision whose branch half is still to be pushed. */
export interface OwedPublish {
  packagePath: string;
  revision: number;
}

/** A skip that depends on the database (a name collision), not on git: retried on every sync. */
export interface ReportedSkip extends SkippedRef {
  pending?: boolean;
  /** Set on a half-done publish the branch does not hold yet: every sync tries to complete it. */
  publish?: OwedPublish;
}

/** repository_sync as a sync run starts with: small columns only (the ref maps are read when refs changed). */
export interface SyncMemory {
  version: string | null;
  /** Head of the branch at the last successful sync. */
  commitHash: string | null;
  skipped: ReportedSkip[];
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
  > {
  version: string;
  discovered: DiscoveredByRef;
  finished: Date;
  skipped: ReportedSkip[];
  durationMs: number;
}

const j = (v: unknown) => JSON.stringify(v);

/**
 * Marks the repository Reconciling (creating its sync row if needed) and returns it with what the last sync
 * remembered, in one statement; undefined when the repository no longer exists.
 */
export async function beginSync(
  q: Queryable,
  namespace: string,
  name: string,
): Promise<{ repository: RepositoryRow; memory: SyncMemory } | undefined> {
  const { rows } = await q.query(
    `with r as (select * from repositories where namespace = $1 and name = $2),
          s as (insert into repository_sync (namespace, repository, state, message)
                select namespace, name, 'Reconciling', '' from r
                on conflict (namespace, repository) do update set state = 'Reconciling', message = '', updated = clock_timestamp()
                returning *)
     select r.namespace, r.name, r.uid, r.type, r.repo_url, r.branch, r.directory, r.deployment, r.meta, r.spec,
            r.generation, r.resource_version, r.created, r.updated, r.updated_by,
            s.version, s.commit_hash, s.skipped, s.last_full_sync_time, s.observed_generation,
            s.observed_run_once_at, s.package_count
       from r, s`,
    [namespace, name],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    repository: {
      namespace: row.namespace,
      name: row.name,
      uid: row.uid,
      type: row.type,
      repoUrl: row.repo_url,
      branch: row.branch,
      directory: row.directory,
      deployment: row.deployment,
      meta: row.meta,
      spec: row.spec,
      generation: Number(row.generation),
      resourceVersion: String(row.resource_version),
      created: row.created,
      updated: row.updated,
      updatedBy: row.updated_by,
    },
    memory: {
      version: row.version,
      commitHash: row.commit_hash,
      skipped: row.skipped,
      lastFullSyncTime: row.last_full_sync_time,
      observedGeneration: Number(row.observed_generation),
      observedRunOnceAt: row.observed_run_once_at,
      packageCount: row.package_count,
    },
  };
}

/** What the last successful sync saw per ref (ref → oid, ref → revision keys); read only when the refs changed. */
export async function loadSeenRefs(
  q: Queryable,
  namespace: string,
  name: string,
): Promise<{ refs: Record<string, string>; discovered: DiscoveredByRef }> {
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
            skipped = $15, duration_ms = $16, updated = clock_timestamp()
      where namespace = $1 and repository = $2`,
    [
      namespace,
      name,
      j(o.refs),
      o.version,
      j(o.discovered),
      o.commitHash,
      o.finished,
      o.nextFullSyncTime,
      o.observedGeneration,
      o.observedRunOnceAt,
      o.packageCount,
      o.cachedOnly,
      o.both,
      o.externalOnly,
      j(o.skipped),
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
            both_count = package_count, external_only = 0, duration_ms = $7, updated = clock_timestamp()
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
    `update repository_sync set state = 'Error', message = $3, next_full_sync_time = $4, duration_ms = $5,
            updated = clock_timestamp()
      where namespace = $1 and repository = $2`,
    [namespace, name, o.message, o.nextFullSyncTime, o.durationMs],
  );
}
