import type { Queryable } from '../db/queryable.js';

export interface RepositoryKey {
  namespace: string;
  name: string;
}

/**
 * Repositories whose sync is due at `now` (porch-behaviour.md §8.1): never synced, next_full_sync_time reached
 * (cron schedule or default period, stored by the last sync), spec generation changed, or a runOnceAt that has
 * come and not been observed. Oldest-due first.
 */
export async function findDueRepositories(q: Queryable, now: Date, limit = 1000): Promise<RepositoryKey[]> {
  const { rows } = await q.query<RepositoryKey>(
    `select r.namespace, r.name
       from repositories r
       left join repository_sync s on s.namespace = r.namespace and s.repository = r.name
      where r.type = 'git' and (
            s.namespace is null
         or s.next_full_sync_time <= $1
         or r.generation <> s.observed_generation
         or (try_timestamptz(r.spec -> 'sync' ->> 'runOnceAt') <= $1
             and try_timestamptz(r.spec -> 'sync' ->> 'runOnceAt') is distinct from s.observed_run_once_at))
      order by coalesce(s.next_full_sync_time, '-infinity'), r.namespace, r.name
      limit $2`,
    [now, limit],
  );
  return rows;
}
