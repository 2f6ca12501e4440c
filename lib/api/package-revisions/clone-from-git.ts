import { config } from '../../config.js';
import type { Files } from '../../kpt/types.js';
import { readDirectoryAtRef, resolveGitAuth } from './git-api.js';
import { rebaseClone } from './kptfile.js';
import type { TaskTarget } from './run-task.js';

/**
 * clone from a Git URL (docs/porch-behaviour.md §6): files of `directory` at `ref`, which must hold a Kptfile; upstream
 * points there.
 */
export async function cloneFromGit(
  target: TaskTarget,
  git: { repo: string; ref: string; directory: string; secretRef?: { name: string } },
  pkgName: string,
): Promise<Files> {
  const auth = await resolveGitAuth(git.secretRef, target.namespace, { url: git.repo });
  const read = await readDirectoryAtRef(
    { url: git.repo, timeoutMs: config().gitTimeoutMs, ...(auth ? { auth } : {}) },
    git.ref ?? '',
    git.directory ?? '',
  );
  return rebaseClone(read.files, pkgName, { type: 'git', git: read.lock });
}
