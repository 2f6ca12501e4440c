import { createHash } from 'node:crypto';
import type { Database } from '../db/pool.js';
import { logger } from '../log.js';
import { heartbeat as beat, resetSession, trySessionLock } from '../storage/advisory-locks.js';

/**
 * Advisory-lock key of a repository's sync: the two-int4 form `(SYNC_LOCK_CLASS, int4 of sha256(ns NUL name))`.
 * The two-int4 key space is separate from the one-bigint space (the migration runner's key), and the class keeps
 * it apart from any other two-int4 user. Two repositories whose 32-bit hashes collide merely take turns.
 */
export const SYNC_LOCK_CLASS = 0x73796e63; // "sync"

/** The (classid, objid) pair locked while a repository syncs. */
export function repositoryLockKey(namespace: string, name: string): [number, number] {
  const digest = createHash('sha256').update(`${namespace}\0${name}`).digest();
  return [SYNC_LOCK_CLASS, digest.readInt32BE(0)];
}

export interface LockOptions {
  /** Server-side backstop: a holder that stops talking for this long loses its session and so the lock. */
  idleTimeoutMs?: number;
  /** How often the holder proves it is alive on the lock connection (must be well below idleTimeoutMs). */
  heartbeatMs?: number;
}

export type Locked<T> = { ran: true; value: T } | { ran: false };

/**
 * Runs `fn` while holding the repository's sync lock, or returns `{ran:false}` at once when another session holds
 * it. The lock lives on a dedicated session (Database.sessions), never on a connection that serves statements, so
 * no pooled client can keep or inherit it; the session is handed back with every lock released, or destroyed when
 * that fails. A process that dies drops the connection and with it the lock. Needs a session-mode connection:
 * behind a transaction pooler a session lock excludes nothing.
 */
export async function withRepositoryLock<T>(
  db: Database,
  namespace: string,
  name: string,
  fn: () => Promise<T>,
  options: LockOptions = {},
): Promise<Locked<T>> {
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  const heartbeatMs = options.heartbeatMs ?? Math.max(100, Math.floor(idleTimeoutMs / 4));
  const client = await db.sessions().connect();
  let heartbeat: NodeJS.Timeout | undefined;
  try {
    const [classId, objId] = repositoryLockKey(namespace, name);
    if (!(await trySessionLock(client, classId, objId, idleTimeoutMs))) {
      logger.info('sync skipped: already in progress', { namespace, repository: name });
      return { ran: false };
    }
    heartbeat = setInterval(() => void beat(client).catch(() => undefined), heartbeatMs);
    heartbeat.unref();
    return { ran: true, value: await fn() };
  } finally {
    if (heartbeat) clearInterval(heartbeat);
    const clean = await resetSession(client).then(
      () => true,
      () => false,
    );
    client.release(!clean);
  }
}
