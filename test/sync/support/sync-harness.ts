/** Shared pieces of the sync integration tests: registering a repository, a counting git layer, a DB snapshot. */
import { discoverRevisions, ensureBranch, listRemoteRefs, pushPublishBranch } from '../../../lib/git/index.js';
import type { Database } from '../../../lib/db/pool.js';
import type { Queryable } from '../../../lib/db/queryable.js';
import type { SyncDeps } from '../../../lib/sync/sync-repository.js';

/** Registers a git repository row (as the repositories API would) without any sync state. */
export async function registerRepository(
  q: Queryable,
  a: {
    namespace?: string;
    name: string;
    url: string;
    branch?: string;
    directory?: string;
    spec?: Record<string, unknown>;
  },
): Promise<void> {
  const branch = a.branch ?? 'main';
  const directory = a.directory ?? '';
  await q.query(
    `insert into repositories (namespace, name, repo_url, branch, directory, spec) values ($1, $2, $3, $4, $5, $6)`,
    [
      a.namespace ?? 'ns',
      a.name,
      a.url,
      branch,
      directory,
      JSON.stringify({ type: 'git', git: { repo: a.url, branch, directory }, ...a.spec }),
    ],
  );
}

export interface GitCalls {
  listRemoteRefs: number;
  /** The `only` list of each discovery call. */
  discover: string[][];
}

/** The real lib/git, wrapped to count what sync asks of the remote. */
export function countingDeps(extra: Partial<SyncDeps> = {}): { deps: SyncDeps; calls: GitCalls } {
  const calls: GitCalls = { listRemoteRefs: 0, discover: [] };
  const deps: SyncDeps = {
    git: {
      listRemoteRefs: (remote) => {
        calls.listRemoteRefs++;
        return listRemoteRefs(remote);
      },
      discoverRevisions: (remote, refs, options) => {
        calls.discover.push([...(options.only ?? Object.keys(refs))]);
        return discoverRevisions(remote, refs, options);
      },
      completePublish: pushPublishBranch,
      ensureBranch,
    },
    gitTimeoutMs: 10_000,
    ...extra,
  };
  return { deps, calls };
}

/** Everything sync writes for a repository, without volatile columns, in a stable order. */
export async function snapshot(db: Database, repository: string, namespace = 'ns', branch = 'main') {
  const revisions = await db.query(
    `select name, package, package_path, workspace, revision, lifecycle, latest, spec, tasks, self_lock, upstream_lock, conditions
       from package_revisions where namespace = $1 and repository = $2 order by name`,
    [namespace, repository],
  );
  const resources = await db.query(
    `select r.package_revision, r.path, md5(r.content) as content from resources r
       join package_revisions p on p.namespace = r.namespace and p.name = r.package_revision
      where r.namespace = $1 and p.repository = $2 order by 1, 2`,
    [namespace, repository],
  );
  const packages = await db.query(
    `select name, path from packages where namespace = $1 and repository = $2 order by name`,
    [namespace, repository],
  );
  // A placeholder's lock names the branch head at which sync last saw its package change; a sync from scratch
  // names the current head. Both are commits holding the same package, so the commit is not compared.
  for (const r of revisions.rows)
    if (r.revision === -1 && r.workspace === branch && r.self_lock?.git) delete r.self_lock.git.commit;
  return { revisions: revisions.rows, resources: resources.rows, packages: packages.rows };
}

/** repository_sync of one repository. */
export async function syncRow(q: Queryable, repository: string, namespace = 'ns') {
  const { rows } = await q.query('select * from repository_sync where namespace = $1 and repository = $2', [
    namespace,
    repository,
  ]);
  return rows[0];
}

/** Syncs one repository (same URL, branch, directory) into a brand-new database; returns that snapshot. */
export async function snapshotFromScratch(
  createDb: () => Promise<{ db: Database; drop(): Promise<void> }>,
  a: { namespace?: string; name: string; url: string; branch?: string; directory?: string },
) {
  const { syncRepository } = await import('../../../lib/sync/sync-repository.js');
  const fresh = await createDb();
  try {
    await registerRepository(fresh.db, a);
    const r = await syncRepository(fresh.db, a.namespace ?? 'ns', a.name, countingDeps().deps);
    if (!r.ran || r.state !== 'Ready') throw new Error(`sync from scratch failed: ${JSON.stringify(r)}`);
    return await snapshot(fresh.db, a.name, a.namespace ?? 'ns');
  } finally {
    await fresh.drop();
  }
}
