/** The git side of publish and delete (§7.4, §7.5), over lib/git, for one stored revision. */
import { config } from '../../config.js';
import type { Queryable } from '../../db/queryable.js';
import { deletePublishedRevision, publishRevision, resolveGitAuth } from './git-api.js';
import type { RemoteSpec, Signature } from '../../git/types.js';
import type { Lock } from '../../kpt/types.js';
import type { PackageRevisionRow, RepositoryRow } from '../../storage/types.js';
import { asRecord } from './request-fields.js';
import { getRepository, getResources } from './store.js';

/** How to reach a Repository's git remote, credentials resolved. */
export async function remoteOf(repo: RepositoryRow): Promise<RemoteSpec> {
  const git = asRecord(repo.spec.git);
  const secretRef = asRecord(git.secretRef);
  const auth = typeof secretRef.name === 'string' && secretRef.name ? await resolveGitAuth(secretRef.name, repo.namespace) : undefined;
  return {
    url: repo.repoUrl,
    branch: repo.branch,
    directory: repo.directory,
    ...(auth ? { auth } : {}),
    timeoutMs: config().gitTimeoutMs,
  };
}

/** Commit author (§7.4 step 5): the Repository's fixed author, else the caller, else Porch's own identity. */
export function authorOf(repo: RepositoryRow, user: string): Signature {
  const git = asRecord(repo.spec.git);
  const name = typeof git.author === 'string' ? git.author : '';
  const email = typeof git.email === 'string' ? git.email : '';
  if (name || email) return { name: name || email, email };
  if (user) return { name: user, email: user };
  return { name: 'Package Orchestration Service', email: 'porch@kpt.dev' };
}

export const fullPathOf = (repo: RepositoryRow, packagePath: string) =>
  repo.directory ? `${repo.directory}/${packagePath}` : packagePath;

async function repositoryOf(q: Queryable, row: PackageRevisionRow): Promise<RepositoryRow> {
  const repo = await getRepository(q, row.namespace, row.repository);
  if (!repo) throw new Error(`repository ${row.namespace}/${row.repository} of ${row.name} is gone`);
  return repo;
}

/** Pushes the revision's files as revision N (draft commit, approval commit, tag) and answers its new self lock. */
export async function publishToGit(q: Queryable, row: PackageRevisionRow, revision: number, user: string) {
  const repo = await repositoryOf(q, row);
  const files = await getResources(q, row.namespace, row.name);
  const result = await publishRevision(await remoteOf(repo), {
    packagePath: row.packagePath,
    workspace: row.workspace,
    revision,
    files,
    task: row.tasks[0],
    author: authorOf(repo, user),
  });
  const selfLock: Lock = {
    type: 'git',
    git: { repo: repo.repoUrl, directory: row.packagePath, ref: `${fullPathOf(repo, row.packagePath)}/v${revision}`, commit: result.commit },
  };
  return { revision, selfLock, commit: result.commit };
}

/** Removes a DeletionProposed revision from git (tag, or the package directory for revision -1). */
export async function deleteFromGit(q: Queryable, row: PackageRevisionRow): Promise<void> {
  const repo = await repositoryOf(q, row);
  await deletePublishedRevision(await remoteOf(repo), {
    packagePath: row.packagePath,
    revision: row.revision,
    workspace: row.workspace,
  });
}
