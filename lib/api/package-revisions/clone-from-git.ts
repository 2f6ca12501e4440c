import { config } from '../../config.js';
import { invalidValue } from '../../errors.js';
import type { Files } from '../../kpt/types.js';
import { readDirectoryAtRef, resolveGitAuth } from './git-api.js';
import { rebaseClone } from './kptfile.js';
import { invalidRevision } from './refs.js';
import type { TaskTarget } from './run-task.js';

/** clone from a Git URL (§6): files of `directory` at `ref`, which must hold a Kptfile; upstream points there. */
export async function cloneFromGit(
  target: TaskTarget,
  git: { repo: string; ref: string; directory: string; secretRef?: { name: string } },
  pkgName: string,
): Promise<Files> {
  const directory = (git.directory ?? '').replace(/^\/+|\/+$/g, '');
  const auth = git.secretRef?.name ? await resolveGitAuth(git.secretRef.name, target.namespace) : undefined;
  const read = await readDirectoryAtRef(git.repo, git.ref ?? '', directory, auth, config().gitTimeoutMs);
  if (read.files['Kptfile'] === undefined) {
    throw invalidRevision(
      target.name,
      invalidValue('spec.tasks[0].clone.upstreamRef.git.directory', git.directory ?? '', `no Kptfile found in directory "${directory}" at ref "${git.ref}" of ${git.repo}`),
    );
  }
  return rebaseClone(read.files, pkgName, {
    type: 'git',
    git: { repo: git.repo, directory: git.directory ?? '', ref: git.ref ?? '', commit: read.commit },
  });
}
