/** One ref update pushed from the scratch repository (isomorphic-git pushes one ref per call). */
import git from 'isomorphic-git';
import { toGitError } from './errors.js';
import { authHeaders, type LocalRepo } from './local-repo.js';

/** The push was refused in a way the caller handles: the ref moved (non-fast-forward) or a tag already exists. */
export class PushRejectedError extends Error {
  constructor(
    readonly reason: 'not-fast-forward' | 'tag-exists' | 'transient',
    message: string,
  ) {
    super(message);
  }
}

// Server answers that Porch retries (porch-behaviour.md §7.4).
const TRANSIENT = [
  'remote ref',
  'failed to update ref',
  'pre-receive hook declined',
  'non-fast-forward',
  'stale file handle',
  'unable to migrate objects to permanent storage',
  'failed to lock',
  'broken pipe',
  'status code: 500',
  'fetch first',
];

/** Pushes local `ref` to `remoteRef` without force, or deletes `remoteRef`. */
export async function pushRef(repo: LocalRepo, a: { ref?: string; remoteRef: string; delete?: boolean }) {
  try {
    await git.push({
      fs: repo.fs,
      http: repo.http,
      gitdir: repo.gitdir,
      cache: repo.cache,
      url: repo.remote.url,
      headers: authHeaders(repo.remote),
      // A delete needs no local ref; isomorphic-git accepts any full oid as the "local ref" then.
      ref: a.delete ? '0'.repeat(40) : a.ref,
      remoteRef: a.remoteRef,
      delete: a.delete ?? false,
    });
  } catch (err) {
    const e = err as { code?: string; data?: { reason?: string }; message?: string };
    if (e.code === 'PushRejectedError' && e.data?.reason === 'tag-exists') {
      throw new PushRejectedError('tag-exists', `tag ${a.remoteRef} already exists`);
    }
    if (e.code === 'PushRejectedError') throw new PushRejectedError('not-fast-forward', `${a.remoteRef} moved`);
    const text = (e.message ?? '').toLowerCase();
    if (e.code === 'GitPushError' && text.includes('already exists')) {
      throw new PushRejectedError('tag-exists', `${a.remoteRef} already exists`);
    }
    if (e.code === 'GitPushError' && TRANSIENT.some((t) => text.includes(t))) {
      throw new PushRejectedError('transient', e.message ?? 'push rejected');
    }
    throw toGitError(err, repo.remote.url);
  }
}

/** Pause before retry `attempt` (1-based): 200 ms × attempt, 1 s × attempt after a hook rejection. */
export function backoffMs(attempt: number, message: string): number {
  return (message.includes('hook declined') ? 1000 : 200) * attempt;
}
