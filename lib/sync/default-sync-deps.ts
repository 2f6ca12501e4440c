import { discoverRevisions, ensureBranch, listRemoteRefs, pushPublishBranch, resolveGitAuth } from '../git/index.js';
import type { RepositoryRow } from '../storage/types.js';
import type { SyncDeps } from './sync-repository.js';

/** spec.git.secretRef of a stored Repository, when it names one. */
function secretRefOf(repo: RepositoryRow): { name: string } | undefined {
  const git = (repo.spec.git ?? {}) as { secretRef?: { name?: unknown } };
  const name = git.secretRef?.name;
  return typeof name === 'string' && name !== '' ? { name } : undefined;
}

/** Production wiring of a sync: lib/git over HTTP with the Repository's credentials, periods from the config. */
export function defaultSyncDeps(): SyncDeps {
  return {
    git: { listRemoteRefs, discoverRevisions, completePublish: pushPublishBranch, ensureBranch },
    resolveAuth: (repo) => resolveGitAuth(secretRefOf(repo), repo.namespace, { url: repo.repoUrl }),
  };
}
