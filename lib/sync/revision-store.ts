import type { Database } from '../db/pool.js';
import { ApiError } from '../errors.js';
import type { DiscoveredRevision } from '../git/index.js';
import { deriveKptfileFields } from '../kpt/kptfile-read.js';
import {
  bulkInsertRevisions,
  insertDiscoveredRevisions,
  type DiscoveredRevisionInput,
} from '../storage/revision-sync.js';
import type { PackageRevisionSpec, RepositoryRow } from '../storage/types.js';

/** Who sync's writes are recorded as (updated_by). */
export const SYNC_USER = 'porch-sync';

export interface DiscoveredWrite {
  revision: DiscoveredRevision;
  /**
   * Set when refreshing a stored revision's content: its lifecycle is the database's (API changes persist,
   * docs/porch-semantics.md §8.3).
   */
  keepLifecycle?: 'Published' | 'DeletionProposed';
  /** With keepLifecycle: the row version the sync read; the refresh applies only while the row still has it. */
  expectedResourceVersion?: string;
}

/** The storage input for a discovered revision: Kptfile-derived fields, self lock {repo, pkgpath, ref, commit}. */
export function toStorageInput(repo: RepositoryRow, w: DiscoveredWrite): DiscoveredRevisionInput {
  const rev = w.revision;
  const kpt = deriveKptfileFields(rev.files);
  const spec: PackageRevisionSpec = {};
  if (Object.keys(kpt.packageMetadata).length > 0) spec.packageMetadata = kpt.packageMetadata;
  if (kpt.readinessGates.length > 0) spec.readinessGates = kpt.readinessGates;
  return {
    packagePath: rev.packagePath,
    workspace: rev.workspace,
    revision: rev.revision,
    lifecycle: w.keepLifecycle ?? rev.lifecycle,
    tasks: rev.tasks,
    selfLock: {
      type: 'git',
      git: { repo: repo.repoUrl, directory: rev.packagePath, ref: rev.ref, commit: rev.commit },
    },
    upstreamLock: kpt.upstreamLock,
    conditions: kpt.conditions,
    spec,
    files: rev.files,
    ...(w.expectedResourceVersion === undefined ? {} : { expectedResourceVersion: w.expectedResourceVersion }),
  };
}

/**
 * Stores discovered revisions with all their files, `batch` per transaction: new ones by a set-based bulk insert,
 * refreshes (and any batch the bulk insert cannot take) through storage's upsert. Each is inserted or written over
 * the row of the same name (a Proposed row whose publish lost its database write becomes Published N,
 * docs/porch-semantics.md §8.2); when the storage rules refuse one, its batch is redone one by one so only that one
 * fails. Answers the refused ones.
 */
export async function writeDiscoveredRevisions(
  db: Database,
  repo: RepositoryRow,
  writes: DiscoveredWrite[],
  batch = 200,
): Promise<{ write: DiscoveredWrite; error: ApiError }[]> {
  const refused: { write: DiscoveredWrite; error: ApiError }[] = [];
  const store = (ws: DiscoveredWrite[]) =>
    insertDiscoveredRevisions(
      db,
      repo.namespace,
      repo.name,
      ws.map((w) => toStorageInput(repo, w)),
      SYNC_USER,
    );
  const chunks: DiscoveredWrite[][] = [];
  for (const group of [writes.filter((w) => !w.keepLifecycle), writes.filter((w) => w.keepLifecycle)]) {
    for (let i = 0; i < group.length; i += batch) chunks.push(group.slice(i, i + batch));
  }
  for (const chunk of chunks) {
    try {
      if (chunk[0]!.keepLifecycle) await store(chunk);
      else
        await bulkInsertRevisions(
          db,
          repo.namespace,
          repo.name,
          chunk.map((w) => toStorageInput(repo, w)),
          SYNC_USER,
        );
    } catch (err) {
      if (!isRefusal(err) && !isConstraintError(err)) throw err;
      for (const w of chunk) {
        try {
          await store([w]);
        } catch (one) {
          if (!isRefusal(one)) throw one;
          refused.push({ write: w, error: one });
        }
      }
    }
  }
  return refused;
}

/** A storage rule said no (4xx): the revision is skipped and reported; anything else fails the sync. */
const isRefusal = (err: unknown): err is ApiError => err instanceof ApiError && err.code < 500;

/** A PostgreSQL integrity or data error from the bulk insert (class 22 or 23): the one-by-one path sorts it out. */
const isConstraintError = (err: unknown) => /^2[23]/.test(String((err as { code?: unknown }).code ?? ''));
