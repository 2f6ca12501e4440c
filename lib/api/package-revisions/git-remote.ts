/** The git side of publish and delete (docs/porch-semantics.md §7.4, §7.5), over lib/git, for one stored revision. */
import { config } from '../../config.js';
import type { Queryable } from '../../db/queryable.js';
import { ConflictError } from '../../errors.js';
import { resolveAuthor } from '../../git/signature.js';
import { deletePublishedRevision } from '../../git/delete-revision.js';
import { findOwnTag } from '../../git/publish-own-tag.js';
import { publishRevision } from '../../git/publish-revision.js';
import { resolveGitAuth } from '../../git/resolve-auth.js';
import type { Files, RemoteSpec, Signature } from '../../git/types.js';
import type { Lock } from '../../kpt/types.js';
import type { PackageRevisionRow, RepositoryRow } from '../../storage/types.js';
import { asRecord } from './request-fields.js';
import { nextRevisionNumber } from '../../storage/package-revisions.js';
import { unclaimedRevisionNumbers } from '../../storage/publish.js';
import { getRepository } from '../../storage/repositories.js';
import { getResources } from '../../storage/resources.js';
import { isDryRun } from '../../storage/dry-run.js';

/** How to reach a Repository's git remote, credentials resolved. */
export async function remoteOf(repo: RepositoryRow): Promise<RemoteSpec> {
  const git = asRecord(repo.spec.git);
  const secretRef = asRecord(git.secretRef);
  const auth =
    typeof secretRef.name === 'string'
      ? await resolveGitAuth({ name: secretRef.name }, repo.namespace, { url: repo.repoUrl })
      : undefined;
  return {
    url: repo.repoUrl,
    branch: repo.branch,
    directory: repo.directory,
    ...(auth ? { auth } : {}),
    timeoutMs: config().gitTimeoutMs,
  };
}

/**
 * Commit author (docs/porch-semantics.md §7.4 step 5): the Repository's fixed author, else the caller, else Porch's own
 * identity.
 */
export function authorOf(repo: RepositoryRow, user: string): Signature {
  const git = asRecord(repo.spec.git);
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  return resolveAuthor({ author: str(git.author), email: str(git.email), user: user || undefined });
}

/** The package's path in git: the repository directory joined with its pkgpath. */
export const fullPathOf = (repo: RepositoryRow, packagePath: string) =>
  repo.directory ? `${repo.directory}/${packagePath}` : packagePath;

async function repositoryOf(q: Queryable, row: PackageRevisionRow): Promise<RepositoryRow> {
  const repo = await getRepository(q, row.namespace, row.repository);
  if (!repo) throw new Error(`repository ${row.namespace}/${row.repository} of ${row.name} is gone`);
  return repo;
}

/** The self lock of a published revision: its tag and the tagged commit. */
const tagLock = (repo: RepositoryRow, row: PackageRevisionRow, revision: number, commit: string): Lock => ({
  type: 'git',
  git: {
    repo: repo.repoUrl,
    directory: row.packagePath,
    ref: `${fullPathOf(repo, row.packagePath)}/v${revision}`,
    commit,
  },
});

/** Tags of numbers the database does not know (made outside, or a half-done publish of another draft) are skipped. */
const MAX_TAKEN_TAGS = 5;

/**
 * Where an earlier attempt's tag can be: it took the number after the highest, or up to MAX_TAKEN_TAGS more; later
 * publishes of other drafts may have taken higher numbers since, leaving it a gap among the highest.
 */
const UNCLAIMED_WINDOW = { highest: 16, after: MAX_TAKEN_TAGS + 1 };

/** What a publish needs from the database, read before git is talked to (nothing is held meanwhile). */
export interface PublishRead {
  row: PackageRevisionRow;
  repo: RepositoryRow;
  files: Files;
  /** The number the database would give next. */
  next: number;
  /** Numbers the database does not hold whose tag may be this publish's own, from an earlier attempt. */
  unclaimed: number[];
  /** A dry run stops before the push. */
  dryRun: boolean;
}

/** Reads the revision's repository, files and the numbers a publish may take or complete. */
export async function readForPublish(q: Queryable, row: PackageRevisionRow): Promise<PublishRead> {
  return {
    row,
    repo: await repositoryOf(q, row),
    files: await getResources(q, row.namespace, row.name),
    next: await nextRevisionNumber(q, row.namespace, row.package),
    unclaimed: await unclaimedRevisionNumbers(q, row.namespace, row.package, UNCLAIMED_WINDOW),
    dryRun: isDryRun(q),
  };
}

/**
 * Pushes the revision's files as revision N (draft commit, approval commit, tag, branch) and answers the number
 * used and the new self lock. A tag this workspace pushed earlier with the same files is completed rather than a
 * new number taken; when tag N belongs to another workspace, N+1 is tried: a number is never used twice.
 */
export async function publishToGit(p: PublishRead, user: string) {
  const { row, repo, files } = p;
  const remote = await remoteOf(repo);
  // A dry run stops before the push: the number is the one the database would give, the commit does not exist.
  if (p.dryRun) return { revision: p.next, selfLock: tagLock(repo, row, p.next, 'not-pushed'), commit: 'not-pushed' };
  let revision =
    (await findOwnTag(remote, { packagePath: row.packagePath, workspace: row.workspace, files }, p.unclaimed)) ??
    p.next;
  const first = revision;
  let result: Awaited<ReturnType<typeof publishRevision>>;
  for (;;) {
    try {
      result = await publishRevision(remote, {
        packagePath: row.packagePath,
        workspace: row.workspace,
        revision,
        files,
        task: row.tasks[0],
        author: authorOf(repo, user),
      });
      break;
    } catch (err) {
      if (!(err instanceof ConflictError) || revision - first >= MAX_TAKEN_TAGS) throw err;
      revision += 1;
    }
  }
  return { revision, selfLock: tagLock(repo, row, revision, result.commit), commit: result.commit };
}

/** Removes a DeletionProposed revision from git (tag, or the package directory for revision -1). */
export async function deleteFromGit(q: Queryable, row: PackageRevisionRow, user: string): Promise<void> {
  const repo = await repositoryOf(q, row);
  const remote = await remoteOf(repo);
  if (isDryRun(q)) return;
  await deletePublishedRevision(remote, {
    packagePath: row.packagePath,
    revision: row.revision,
    workspace: row.workspace,
    author: authorOf(repo, user),
  });
}
