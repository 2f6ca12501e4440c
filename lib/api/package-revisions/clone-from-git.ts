import { config } from '../../config.js';
import { blameField, gitFailureOf } from '../../git/errors.js';
import { readDirectoryAtRef } from '../../git/read-directory.js';
import { resolveGitAuth } from '../../git/resolve-auth.js';
import type { Files, Lock } from '../../kpt/types.js';

const FIELD = 'spec.tasks[0].clone.upstreamRef.git';

/**
 * The source of a clone from a git URL (docs/porch-semantics.md §6): the files of `directory` at `ref` and the lock
 * that the new Kptfile's upstream points at. A failure the caller must fix names the field that caused it: the
 * secretRef for credentials that are missing or refused, else the repo URL (docs/api.md "Errors").
 */
export async function readFromGit(
  namespace: string,
  git: { repo: string; ref: string; directory: string; secretRef?: { name: string } },
): Promise<{ files: Files; lock: Lock }> {
  const secretField = `${FIELD}.secretRef.name`;
  const auth = await resolveGitAuth(git.secretRef, namespace, { url: git.repo }).catch((err: unknown) => {
    throw blameField(err, secretField);
  });
  const read = await readDirectoryAtRef(
    { url: git.repo, timeoutMs: config().gitTimeoutMs, ...(auth ? { auth } : {}) },
    git.ref ?? '',
    git.directory ?? '',
  ).catch((err: unknown) => {
    throw blameField(err, auth && gitFailureOf(err) === 'auth' ? secretField : `${FIELD}.repo`);
  });
  return { files: read.files, lock: { type: 'git', git: read.lock } };
}
