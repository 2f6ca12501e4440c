/** Pushing ref updates with the outcomes a writer reacts to. */
import type { LocalRepo } from './local-repo.js';
import { type PushReport, receivePack, type RefUpdate } from './receive-pack.js';

/** The server refused an update: the tag already exists, or the ref moved / the server hiccuped (retry). */
export class PushRejectedError extends Error {
  constructor(
    readonly reason: 'tag-exists' | 'retry',
    readonly ref: string,
    message: string,
  ) {
    super(message);
  }
}

/** Pushes the updates; throws PushRejectedError naming the first refused ref. */
export async function pushRefs(repo: LocalRepo, updates: RefUpdate[]): Promise<void> {
  let report: PushReport;
  try {
    report = await receivePack(repo, updates);
  } catch (err) {
    // "unpack" failures and server-side errors mid-push are the transient kind Porch retries.
    if ((err as Error).message.startsWith('git push:'))
      throw new PushRejectedError('retry', '', (err as Error).message);
    throw err;
  }
  if (updates.every((u) => report[u.ref] === undefined)) {
    // Pushed: later pushes of the same operation need not send these objects again.
    repo.store.written.clear();
    return;
  }
  for (const u of updates) {
    const why = report[u.ref];
    if (why === undefined) continue;
    const reason = /already exists/.test(why) ? 'tag-exists' : 'retry';
    throw new PushRejectedError(reason, u.ref, `git push of ${u.ref} refused: ${why}`);
  }
}

/**
 * Pause before retry `attempt` (1-based): 200 ms × attempt, 1 s × attempt after a hook rejection
 * (docs/porch-behaviour.md §7.4).
 */
export function backoffMs(attempt: number, message: string): number {
  return (message.includes('hook declined') ? 1000 : 200) * attempt;
}

/** Waits `ms` milliseconds. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
