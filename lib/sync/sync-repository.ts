import { config } from '../config.js';
import { logger } from '../log.js';
import type { Database } from '../db/pool.js';
import {
  type DiscoveredRevision,
  GitError,
  type GitAuth,
  partitionRefs,
  type RemoteSpec,
  type SkippedRef,
} from '../git/index.js';
import type { SyncGit } from './sync-git.js';
import type { RepositoryRow } from '../storage/types.js';
import { computeSyncChanges } from './compute-sync-changes.js';
import { completeHalfPublishes, nameOf, proposedNames } from './half-publish.js';
import { isRunOncePending, nextSyncTime, readSyncSpec } from './next-sync-time.js';
import { refsVersion } from './refs-version.js';
import { retryDelaySeconds } from './retry-delay.js';
import { withRepositoryLock, type LockOptions } from './repository-lock.js';

export type { SyncGit } from './sync-git.js';
import { deleteRevisions, listPublishedKeys } from '../storage/revision-sync.js';
import { writeDiscoveredRevisions } from './revision-store.js';
import {
  failSync,
  finishSync,
  finishUnchangedSync,
  loadSeenRefs,
  markReconciling,
  readSyncStart,
  type SyncMemory,
} from '../storage/repository-sync.js';
import type { SkippedRef as ReportedSkip } from '../storage/types.js';

export interface SyncDeps {
  git: SyncGit;
  /** Credentials of the Repository's spec.git.secretRef; none when absent. */
  resolveAuth?: (repo: RepositoryRow) => Promise<GitAuth | undefined>;
  now?: () => Date;
  defaultPeriodSeconds?: number;
  gitTimeoutMs?: number;
  /** Seconds before a failed sync is retried; by default by the kind of failure (retry-delay.ts). */
  retrySeconds?: number;
  lock?: LockOptions;
  /** Where the one structured line per sync goes; the service logger by default. */
  log?: (line: Record<string, unknown>) => void;
}

export interface SyncCounts {
  cachedOnly: number;
  both: number;
  externalOnly: number;
  packageCount: number;
  skipped: ReportedSkip[];
  /** Refs read from git this time (0 when the refs were unchanged). */
  refsRead: number;
  unchanged: boolean;
  /** Half-done publishes this sync brought onto the branch (the branch moved: the sync then runs once more). */
  completedPublishes: number;
  /** Milliseconds spent per phase (listRefs, load, discover, write, finish), for the log. */
  phases: Record<string, number>;
}

export type SyncResult =
  | { ran: false }
  | ({ ran: true; state: 'Ready'; durationMs: number } & SyncCounts)
  | { ran: true; state: 'Error'; message: string; durationMs: number }
  | { ran: true; state: 'Gone'; durationMs: number };

/** Syncs one repository from git into the database, unless another sync of it is running (then `{ran:false}`). */
export async function syncRepository(
  db: Database,
  namespace: string,
  name: string,
  deps: SyncDeps,
): Promise<SyncResult> {
  const locked = await withRepositoryLock(db, namespace, name, () => runSync(db, namespace, name, deps), deps.lock);
  return locked.ran ? locked.value : { ran: false };
}

/** A sync's line through the service logger, at the level the line names. */
const logLine = ({ level, msg, ...fields }: Record<string, unknown>) =>
  (level === 'warn' ? logger.warn : logger.info).call(logger, String(msg), fields);

async function runSync(db: Database, namespace: string, name: string, deps: SyncDeps): Promise<SyncResult> {
  const now = deps.now ?? (() => new Date());
  const started = now();
  const began = await readSyncStart(db, namespace, name);
  if (!began) return { ran: true, state: 'Gone', durationMs: 0 };
  const { repository: repo, memory } = began;
  const log = (fields: Record<string, unknown>) =>
    (deps.log ?? logLine)({
      level: 'info',
      msg: 'repository synced',
      namespace,
      repository: name,
      ...fields,
    });
  try {
    if (repo.type !== 'git') throw new Error(`repositories of type "${repo.type}" are not synced`);
    let counts = await syncContent(db, repo, memory, deps, started, now);
    if (counts.completedPublishes > 0) {
      // The branch now holds the completed revisions: read it again, so the placeholders and the commit hash are
      // right as soon as this sync ends.
      const again = await readSyncStart(db, namespace, name);
      if (again) counts = await syncContent(db, again.repository, again.memory, deps, started, now);
    }
    const durationMs = now().getTime() - started.getTime();
    log({ durationMs, ...counts, skipped: counts.skipped.length });
    return { ran: true, state: 'Ready', durationMs, ...counts };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const durationMs = now().getTime() - started.getTime();
    const retry = new Date(now().getTime() + (deps.retrySeconds ?? retryDelaySeconds(err)) * 1000);
    await failSync(db, namespace, name, { message, nextFullSyncTime: retry, durationMs });
    (deps.log ?? logLine)({
      level: 'warn',
      msg: 'repository sync failed',
      namespace,
      repository: name,
      error: message,
    });
    return { ran: true, state: 'Error', message, durationMs };
  }
}

async function syncContent(
  db: Database,
  repo: RepositoryRow,
  memory: SyncMemory,
  deps: SyncDeps,
  started: Date,
  now: () => Date,
): Promise<SyncCounts> {
  const remote: RemoteSpec = {
    url: repo.repoUrl,
    branch: repo.branch,
    directory: repo.directory,
    auth: await deps.resolveAuth?.(repo),
    timeoutMs: deps.gitTimeoutMs ?? config().gitTimeoutMs,
  };
  const { schedule, runOnceAt } = readSyncSpec(repo.spec);
  const runOnce = isRunOncePending(runOnceAt, memory.observedRunOnceAt) && runOnceAt! <= started;
  const phases: Record<string, number> = {};
  let mark = performance.now();
  const lap = (phase: string) => {
    const t = performance.now();
    phases[phase] = Math.round(t - mark);
    mark = t;
  };
  // Refs git would refuse by name are reported and never stored or fetched (lib/git/ref-names.ts).
  let badRefs: SkippedRef[] = [];
  const listRefs = async () => {
    const listed = partitionRefs(await deps.git.listRemoteRefs(remote));
    badRefs = listed.skipped;
    return listed.refs;
  };
  let refs = await listRefs();
  if (!refs[`refs/heads/${repo.branch}`] && wantsBranchCreated(repo) && deps.git.ensureBranch) {
    await deps.git.ensureBranch(remote, true);
    refs = await listRefs();
  }
  lap('listRefs');
  if (!refs[`refs/heads/${repo.branch}`]) throw new GitError('not-found', `branch "${repo.branch}" doesn't exist`);
  const version = refsVersion(refs);
  const finish = () => {
    const finished = now();
    const nextFullSyncTime = nextSyncTime({
      schedule,
      runOnceAt,
      observedRunOnceAt: runOnce ? runOnceAt! : memory.observedRunOnceAt,
      generation: repo.generation,
      observedGeneration: repo.generation,
      lastFullSyncTime: finished,
      now: finished,
      defaultPeriodSeconds: deps.defaultPeriodSeconds ?? config().syncDefaultPeriodSeconds,
    });
    return {
      finished,
      nextFullSyncTime,
      observedGeneration: repo.generation,
      observedRunOnceAt: runOnce ? runOnceAt! : memory.observedRunOnceAt,
      durationMs: finished.getTime() - started.getTime(),
    };
  };
  // Unchanged refs, nothing pending from last time, no explicit request: one ref listing and one write.
  // (Deletes happen only below, so this shortcut cannot race with a publish.)
  if (version === memory.version && !runOnce && !memory.skipped.some((s) => s.pending)) {
    await finishUnchangedSync(db, repo.namespace, repo.name, finish());
    return {
      cachedOnly: 0,
      both: memory.packageCount,
      externalOnly: 0,
      packageCount: memory.packageCount,
      skipped: memory.skipped,
      refsRead: 0,
      unchanged: true,
      completedPublishes: 0,
      phases,
    };
  }
  // What the last sync saw, the Reconciling mark, and the stored keys then the refs again, side by side. The refs
  // are listed again after the stored keys are read: a publish pushes its tag before it commits its row, so every
  // stored revision's tag is in this listing unless it was really deleted — a revision published while this sync
  // runs can never look deleted from git.
  const [seen, stored] = await Promise.all([
    loadSeenRefs(db, repo.namespace, repo.name),
    listPublishedKeys(db, repo.namespace, repo.name).then(async (keys) => {
      refs = await listRefs();
      return keys;
    }),
    markReconciling(db, repo.namespace, repo.name),
  ]);
  // runOnceAt asks for a full rediscovery: forget which refs were seen (their digests still tell moved content).
  // Owed publishes are not skips of a ref: they are retried below, and reported again only if they fail again.
  const owed = memory.skipped.flatMap((s) => (s.publish ? [{ ref: s.ref, publish: s.publish }] : []));
  const carriedSkips = memory.skipped.filter((s) => !s.publish);
  const previous = { ...seen, skipped: carriedSkips, ...(runOnce ? { refs: {}, skipped: [] } : {}) };
  if (!refs[`refs/heads/${repo.branch}`]) throw new GitError('not-found', `branch "${repo.branch}" doesn't exist`);
  lap('load');
  const changes = await computeSyncChanges(repo, previous, refs, stored, async (only, withFiles) => {
    const found = await deps.git.discoverRevisions(remote, refs, { only, withFiles, repository: repo.name });
    lap('git');
    return found;
  });
  lap('discover');
  // Refreshes first: a delete moves the latest flag of a sibling, which changes the row version a refresh expects.
  const refreshed = await writeDiscoveredRevisions(
    db,
    repo,
    changes.writes.filter((w) => w.keepLifecycle),
  );
  const deleted = await deleteRevisions(db, repo.namespace, changes.deletes);
  const proposed = await proposedNames(
    db,
    repo,
    changes.writes.filter((w) => !w.keepLifecycle).map((w) => w.revision),
  );
  const skipped: ReportedSkip[] = [...changes.skipped, ...badRefs];
  const refused = [
    ...refreshed,
    ...(await writeDiscoveredRevisions(
      db,
      repo,
      changes.writes.filter((w) => !w.keepLifecycle),
    )),
  ];
  for (const { write, error } of refused) {
    skipped.push({
      ref: write.revision.fullRef,
      reason: `${rowName(write.revision)}: ${error.message}`,
      pending: true,
    });
  }
  const failed = new Set(refused.map((r) => r.write));
  const written = changes.writes.filter((w) => !w.keepLifecycle && !failed.has(w)).length;
  const completed = changes.writes
    .filter(
      (w) => !failed.has(w) && !w.keepLifecycle && w.revision.revision > 0 && proposed.has(nameOf(repo, w.revision)),
    )
    .map((w) => ({
      ref: w.revision.fullRef,
      publish: { packagePath: w.revision.packagePath, revision: w.revision.revision },
    }));
  lap('write');
  const completion = await completeHalfPublishes(deps.git, remote, repo, [...owed, ...completed]);
  skipped.push(...completion.pending);
  const head = refs[`refs/heads/${repo.branch}`]!;
  await finishSync(db, repo.namespace, repo.name, {
    ...finish(),
    refs: changes.readRefs,
    version: refsVersion(changes.readRefs),
    discovered: changes.discovered,
    commitHash: head,
    packageCount: changes.both + written,
    cachedOnly: deleted.length,
    both: changes.both,
    externalOnly: changes.externalOnly,
    skipped,
  });
  lap('finish');
  return {
    cachedOnly: deleted.length,
    both: changes.both,
    externalOnly: changes.externalOnly,
    packageCount: changes.both + written,
    skipped,
    refsRead: changes.refsRead,
    unchanged: false,
    completedPublishes: completion.completed,
    phases,
  };
}

const wantsBranchCreated = (repo: RepositoryRow) =>
  (repo.spec.git as { createBranch?: unknown } | undefined)?.createBranch === true;

const rowName = (r: DiscoveredRevision) => `${r.packagePath}@${r.workspace} (revision ${r.revision})`;
