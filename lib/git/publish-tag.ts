/**
 * First half of a publish (docs/porch-semantics.md §7.4): the draft commit, the approval commit on top of the branch
 * head, and the lightweight tag `<fullpath>/v<N>` pushed first, because the tag is what defines a published revision. A
 * retry of the same approval adopts a tag it already pushed (same workspace, same files); any other tag of that number
 * is a conflict, and the caller takes the next number.
 */
import type { Task } from '../kpt/types.js';
import { ConflictError, InvalidError, UnavailableError } from '../errors.js';
import { parseAnnotations } from '../kpt/commit-annotation.js';
import { resourcePathProblem } from '../kpt/resource-validation.js';
import { approvalCommitMessage, draftCommitMessage } from '../kpt/commit-message.js';
import { remoteCall } from './errors.js';
import { listRefsWithPrefix } from './list-remote-refs.js';
import { withLocalRepo, type LocalRepo } from './local-repo.js';
import { treeAt } from './package-tree.js';
import { backoffMs, PushRejectedError, pushRefs, sleep } from './push-ref.js';
import { ZERO_OID } from './receive-pack.js';
import { fullPath, HEADS, isValidRefName, normalizeDirectory, TAGS } from './ref-names.js';
import { gitSignature, PORCH_SIGNATURE } from './signature.js';
import { replaceSubtree, writeFilesTree } from './tree-edit.js';
import type { Files, RemoteSpec, Signature } from './types.js';
import { fetchObjects } from './upload-pack.js';
import { PORCH_GROUP } from '../api-groups.js';

export interface PublishInput {
  packagePath: string;
  workspace: string;
  revision: number;
  files: Files;
  /** The revision's first task; `{type: push}` is recorded when absent. */
  task?: Task;
  /** From resolveAuthor; the service's own signature when absent. */
  author?: Signature;
  now?: Date;
}

export interface PublishTagResult {
  /** The tagged approval commit. */
  commit: string;
  /** Short tag name `<fullpath>/v<N>` (the self lock's ref). */
  tag: string;
  /** True when the tag already existed for the same workspace (a retried approval). */
  adopted: boolean;
}

/** The package's full path and tag name; 422 when the revision cannot be published at all (no retry can help). */
export function publishTarget(remote: RemoteSpec, input: PublishInput): { full: string; tag: string } {
  const full = fullPath(normalizeDirectory(remote.directory), input.packagePath);
  const tag = `${full}/v${input.revision}`;
  if (!(input.files.Kptfile !== undefined)) {
    throw new InvalidError('PackageRevision', PORCH_GROUP, input.packagePath, [
      { field: 'spec.resources', message: 'package must contain Kptfile at root' },
    ]);
  }
  const pathProblem = resourcePathProblem(full);
  if (pathProblem) {
    // A Repository directory no checkout can hold (registered before the rule): nothing may reach git.
    throw new InvalidError('PackageRevision', PORCH_GROUP, input.packagePath, [
      { field: 'spec.git.directory', message: `cannot be published under "${full}": ${pathProblem}` },
    ]);
  }
  if (!isValidRefName(tag)) {
    // A Repository directory git cannot hold in a ref name: no retry can succeed, so not a 503.
    throw new InvalidError('PackageRevision', PORCH_GROUP, input.packagePath, [
      { field: 'spec.git.directory', message: `cannot be published: "${tag}" is not a valid git tag name` },
    ]);
  }
  return { full, tag };
}

/** Writes the draft and approval commits and pushes the tag; does not touch the branch. */
export async function pushPublishTag(
  remote: RemoteSpec,
  input: PublishInput,
  reuse?: LocalRepo,
): Promise<PublishTagResult> {
  const { full, tag } = publishTarget(remote, input);
  return remoteCall(remote.url, () =>
    withLocalRepo(
      remote,
      async (repo) => {
        const existing = (await listRefsWithPrefix(remote, TAGS + tag))[TAGS + tag];
        if (existing) return adoptOrConflict(repo, existing, full, tag, input);
        const branchRef = HEADS + remote.branch;
        const head = (await listRefsWithPrefix(remote, branchRef))[branchRef];
        if (!head) throw new UnavailableError(`git: branch "${remote.branch}" doesn't exist in ${remote.url}`);
        await fetchObjects(repo, [head], { depth: 1 });
        const commit = writeApproval(repo, head, full, input);
        for (let attempt = 1; ; attempt++) {
          try {
            await pushRefs(repo, [{ ref: TAGS + tag, old: ZERO_OID, new: commit }]);
            return { commit, tag, adopted: false };
          } catch (err) {
            if (!(err instanceof PushRejectedError)) throw err;
            // Refused as existing, or lost a race creating it ("failed to update ref"): whoever made it decides.
            const now = (await listRefsWithPrefix(remote, TAGS + tag))[TAGS + tag];
            if (now) return adoptOrConflict(repo, now, full, tag, input);
            if (attempt >= 3) throw err;
            await sleep(backoffMs(attempt, err.message));
          }
        }
      },
      reuse,
    ),
  );
}

/** C1 (draft: parent H0, tree = H0 with the package replaced) and C2 (approval: parents [H0, C1]); returns C2. */
export function writeApproval(repo: LocalRepo, head: string, full: string, input: PublishInput): string {
  const { store } = repo;
  const root = store.commit(head).tree;
  const current = treeAt(store, root, full);
  const base = current ? { tree: current, root, path: full } : undefined;
  const tree = replaceSubtree(store, root, full, writeFilesTree(store, input.files, base));
  const when = input.now ?? new Date();
  const author = gitSignature(input.author ?? PORCH_SIGNATURE, when);
  const committer = gitSignature(PORCH_SIGNATURE, when);
  const write = (message: string, parents: string[]) =>
    store.writeCommit({ tree, parents, author, committer, message });
  const draft = write(draftCommitMessage({ packagePath: full, workspaceName: input.workspace, task: input.task }), [
    head,
  ]);
  return write(approvalCommitMessage({ packagePath: full, workspaceName: input.workspace, revision: input.revision }), [
    head,
    draft,
  ]);
}

/**
 * An existing tag is adopted only when it is this very publish: same workspace AND the same package tree. A tag of
 * the workspace with other files is left by an approval that failed after its tag push, before the draft was
 * rejected and edited; adopting it would publish the old files in git while the database publishes the new ones.
 */
export async function adoptOrConflict(repo: LocalRepo, oid: string, full: string, tag: string, input: PublishInput) {
  // With blobs: which files of the tag's tree are resources depends on their content.
  await fetchObjects(repo, [oid], { depth: 1 });
  const { message, tree } = repo.store.commit(oid);
  const mine = parseAnnotations(message).find((a) => a.package === full && a.revision === String(input.revision));
  let owner = mine?.workspaceName ? ` by workspace "${mine.workspaceName}"` : '';
  if (mine?.workspaceName === input.workspace) {
    if (holdsFiles(repo, tree, full, input.files)) return { commit: oid, tag, adopted: true };
    owner += ' with other files';
  }
  throw new ConflictError(
    undefined,
    `revision ${input.revision} of package "${full}" already exists in git (tag ${tag}${owner})`,
  );
}

/**
 * Whether the package at `full` in the fetched tree `root` holds exactly `files` as its resources. Hashed in a fork:
 * the tree is only compared, and must not be sent by a later push. Writing the files over the package's own tree
 * gives that tree back exactly when its resources are these files.
 */
export function holdsFiles(repo: LocalRepo, root: string, full: string, files: Files): boolean {
  const current = treeAt(repo.store, root, full);
  return (
    current !== undefined && current === writeFilesTree(repo.store.fork(), files, { tree: current, root, path: full })
  );
}
