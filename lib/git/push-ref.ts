/** Pushing ref updates with the outcomes a writer reacts to. */
import { GitError } from './errors.js';
import type { LocalRepo } from './local-repo.js';
import { type PushReport, receivePack, type RefUpdate } from './receive-pack.js';

/**
 * The server refused an update: the tag already exists, or the ref moved / the server hiccuped (retry). A hook's
 * refusal is retried as Porch does and, once retries run out, stays a permanent refusal.
 */
export class PushRejectedError extends GitError {
  constructor(
    readonly reason: 'tag-exists' | 'retry',
    readonly ref: string,
    message: string,
    permanent = false,
  ) {
    super('refused', message, permanent);
  }
}

/** Refusals that can pass on a retry (docs/porch-semantics.md §7.4); hook rejections are retried but permanent. */
const TRANSIENT =
  /remote ref|failed to update ref|non-fast-forward|fetch first|stale|unable to migrate objects|failed to lock|cannot lock|broken pipe|status code: 500|no status reported|atomic/;

/** Pushes the updates (all or none with `atomic`); throws PushRejectedError naming the first refused ref. */
export async function pushRefs(
  repo: LocalRepo,
  updates: RefUpdate[],
  options: { atomic?: boolean } = {},
): Promise<void> {
  let report: PushReport;
  try {
    report = await receivePack(repo, updates, options);
  } catch (err) {
    // Failures mid-push are the transient kind Porch retries, unless the server refuses the objects themselves.
    if (err instanceof GitError && err.code === 'refused' && !err.permanent) {
      throw new PushRejectedError('retry', '', err.message);
    }
    throw err;
  }
  if (updates.every((u) => report[u.ref] === undefined)) {
    // Pushed: later pushes of the same operation need not send these objects again.
    repo.store.written.clear();
    return;
  }
  // In an atomic push every ref says "atomic push failed" but one, which says why: that one decides.
  const refused = updates.filter((u) => report[u.ref] !== undefined);
  const atomic = (u: RefUpdate) => Number(/atomic/.test(report[u.ref]!));
  for (const u of refused.sort((a, b) => atomic(a) - atomic(b))) {
    const why = report[u.ref]!;
    const message = `git push of ${u.ref} refused: ${why}`;
    if (/already exists/.test(why)) throw new PushRejectedError('tag-exists', u.ref, message);
    if (TRANSIENT.test(why)) throw new PushRejectedError('retry', u.ref, message);
    if (/hook declined/.test(why)) throw new PushRejectedError('retry', u.ref, message, true);
    throw new GitError('refused', message, true);
  }
}

/**
 * Pause before retry `attempt` (1-based): 200 ms × attempt, 1 s × attempt after a hook rejection
 * (docs/porch-semantics.md §7.4).
 */
export function backoffMs(attempt: number, message: string): number {
  return (message.includes('hook declined') ? 1000 : 200) * attempt;
}

/**
 * How many times a publish rebuilds its commit on a branch that moved under it. Every round one of the competing
 * publishes wins, so N concurrent publishes need at most N rounds: this bounds a storm, it does not ration turns.
 */
export const MAX_REBASES = 40;

/**
 * The pause before pushing again after refusal number `attempt`, or undefined to give up. A hook's refusal gets
 * Porch's back-off and three tries (docs/porch-semantics.md §7.4); a ref that moved is rebuilt after a random pause
 * in a window that doubles per attempt (50 ms to 1 s), so that competing publishes spread out, up to MAX_REBASES
 * times.
 */
export function pushRetryPause(attempt: number, err: PushRejectedError): number | undefined {
  if (err.message.includes('hook declined')) return attempt >= 3 ? undefined : backoffMs(attempt, err.message);
  return attempt >= MAX_REBASES ? undefined : Math.floor(Math.random() * Math.min(50 * 2 ** (attempt - 1), 1000));
}

/** Waits `ms` milliseconds. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
