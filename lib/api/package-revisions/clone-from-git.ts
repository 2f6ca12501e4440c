import { config } from '../../config.js';
import { readDirectoryAtRef } from '../../git/read-directory.js';
import { resolveGitAuth } from '../../git/resolve-auth.js';
import type { Files, Lock } from '../../kpt/types.js';

/**
 * The source of a clone from a git URL (docs/porch-behaviour.md §6): the files of `directory` at `ref` and the lock
 * that the new Kptfile's upstream points at.
 */
export async function readFromGit(
  namespace: string,
  git: { repo: string; ref: string; directory: string; secretRef?: { name: string } },
): Promise<{ files: Files; lock: Lock }> {
  const auth = await resolveGitAuth(git.secretRef, namespace, { url: git.repo });
  const read = await readDirectoryAtRef(
    { url: git.repo, timeoutMs: config().gitTimeoutMs, ...(auth ? { auth } : {}) },
    git.ref ?? '',
    git.directory ?? '',
  );
  return { files: read.files, lock: { type: 'git', git: read.lock } };
}
