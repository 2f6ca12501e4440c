/**
 * Discovery of Published and DeletionProposed revisions (docs/porch-semantics.md §7.1–§7.3): placeholders from the
 * branch head, revisions from `<path>/<suffix>` tags. Only the refs asked for are fetched (depth 1, in batches so
 * memory stays bounded), package trees are read along their path only, and files are read only for the revisions the
 * caller wants. drafts/ and proposed/ branches are ignored (docs/api.md).
 */
import { remoteCall } from './errors.js';
import { openLocalRepo, type LocalRepo } from './local-repo.js';
import { findPackageAt, findPackages, readPackageFiles, type PackageLocation } from './package-tree.js';
import { dedupe } from './dedupe-revisions.js';
import { normalizeDirectory, packagePathIn } from './ref-names.js';
import { selectCandidates, type Candidate } from './select-candidates.js';
import { storageProblem } from './storage-rules.js';
import { packageLimits, resourceProblems } from '../kpt/resource-validation.js';
import { fetchObjects, isFetchRefusal } from './upload-pack.js';
import { canFetchBlobless, fetchPackageBlobs } from './package-blobs.js';
import { tasksFromHistory, workspaceFromMessage } from '../kpt/commit-annotation.js';
import { mentionsPackage } from './tasks-from-commits.js';
import type { DiscoveredRevision, DiscoveryResult, RemoteSpec, SkippedRef } from './types.js';

export interface RevisionKey {
  packagePath: string;
  workspace: string;
  revision: number;
}

export interface DiscoverOptions {
  /** Examine only these refs (the new or moved ones); all of `refs` still decide lifecycles. */
  only?: string[];
  /** Repository name, to skip revisions whose composed name would exceed 253 characters. */
  repository?: string;
  /** Which revisions need their files read; default all. */
  withFiles?: (key: RevisionKey) => boolean;
  /** Tags fetched per request. */
  batchSize?: number;
}

/** Finds the revisions the given refs (ref → peeled commit, as listRemoteRefs returns) hold. */
export async function discoverRevisions(
  remote: RemoteSpec,
  refs: Record<string, string>,
  opts: DiscoverOptions = {},
): Promise<DiscoveryResult> {
  const directory = normalizeDirectory(remote.directory);
  const { branch, tags, deletionProposed, skipped } = selectCandidates(refs, remote.branch, directory, opts.only);
  const ctx: Context = { remote, directory, deletionProposed, opts, found: [], skipped };
  await remoteCall(remote.url, async () => {
    // The branch and the first batch of tags share one operation: tags mostly point at commits the branch fetch
    // brought already (a publish tags the commit it puts on the branch), and those need no second fetch.
    let repo = openLocalRepo(remote);
    if (branch) await inBatch(ctx, repo, [branch]);
    const size = opts.batchSize ?? 2000;
    for (let i = 0; i < tags.length; i += size) {
      if (i > 0) repo = openLocalRepo(remote);
      await inBatch(ctx, repo, tags.slice(i, i + size));
    }
  });
  return { revisions: dedupe(ctx.found, skipped), skipped };
}

interface Context {
  remote: RemoteSpec;
  directory: string;
  deletionProposed: Set<string>;
  opts: DiscoverOptions;
  found: DiscoveredRevision[];
  skipped: SkippedRef[];
}

/** One fetch per batch of refs into `repo`; a fresh store per later batch keeps memory flat. */
async function inBatch(ctx: Context, repo: LocalRepo, batch: Candidate[]): Promise<void> {
  // Blob-less pays where the Repository's directory leaves part of the repository out; for a repository of
  // packages only it is one more round trip for the same blobs (measured: discovery of 20 revisions +150 ms).
  const blobless = ctx.directory !== '' && (await canFetchBlobless(repo));
  if (!(await fetchBatch(ctx, repo, batch, blobless))) return;
  if (blobless) await fetchPackageBlobs(repo, packagesOf(ctx, repo, batch));
  const needParents: { rev: DiscoveredRevision; parent: string; full: string }[] = [];
  for (const c of batch) {
    if (!repo.store.has(c.commit)) {
      if (!ctx.skipped.some((s) => s.ref === c.fullRef))
        ctx.skipped.push({ ref: c.fullRef, reason: 'cannot fetch: the server did not send it', unreadable: true });
      continue;
    }
    try {
      const commit = repo.store.commit(c.commit);
      if (!c.tag) {
        addPlaceholders(ctx, repo, c, commit.tree, commit.message);
        continue;
      }
      const rev = tagRevision(ctx, repo, c, commit.tree, commit.message);
      const full = c.tag.path;
      if (rev && rev.tasks.length === 0 && commit.parents.length > 1 && mentionsPackage(commit.message, full)) {
        needParents.push({ rev, parent: commit.parents[1]!, full });
      }
    } catch (err) {
      // e.g. a tag that points at a tree or blob: that ref is unusable, the others are not.
      ctx.skipped.push({ ref: c.fullRef, reason: (err as Error).message, unreadable: true });
    }
  }
  if (needParents.length === 0) return;
  // Porch's approval commit has the draft commit (which carries the task) as its second parent: fetch only
  // those commits, without their trees where the server allows filters.
  await fetchObjects(
    repo,
    needParents.map((n) => n.parent),
    { depth: 1, filter: 'tree:0', parentsOf: needParents.map((n) => n.rev.commit) },
  );
  for (const n of needParents) {
    n.rev.tasks = tasksFromHistory([repo.store.commit(n.parent).message], n.full, n.rev.workspace);
  }
}

/**
 * Fetches a batch in one request; when the server refuses the request (a want it will not serve), fetches the
 * refs one by one so only the bad ones are skipped. False when nothing could be fetched.
 */
async function fetchBatch(ctx: Context, repo: LocalRepo, batch: Candidate[], blobless: boolean): Promise<boolean> {
  try {
    await fetchObjects(
      repo,
      batch.map((c) => c.commit),
      { depth: 1, ...(blobless ? { filter: 'blob:none' } : {}) },
    );
    return true;
  } catch (err) {
    if (!isFetchRefusal(err) || batch.length === 1) {
      if (isFetchRefusal(err))
        ctx.skipped.push({ ref: batch[0]!.fullRef, reason: `cannot fetch: ${err.message}`, unreadable: true });
      else throw err;
      return false;
    }
  }
  for (const c of batch) await fetchBatch(ctx, repo, [c], blobless);
  return true;
}

/** The package trees discovery reads from a batch (commits and trees fetched); unusable refs are left to it. */
function packagesOf(ctx: Context, repo: LocalRepo, batch: Candidate[]): PackageLocation[] {
  const found: PackageLocation[] = [];
  for (const c of batch) {
    if (!repo.store.has(c.commit) || repo.store.get(c.commit).type !== 'commit') continue;
    const root = repo.store.commit(c.commit).tree;
    if (!repo.store.has(root)) continue;
    if (!c.tag) {
      for (const p of findPackages(repo.store, root, ctx.directory))
        found.push({ root, tree: p.tree, path: p.fullpath });
      continue;
    }
    const tree = findPackageAt(repo.store, root, c.tag.path);
    if (tree) found.push({ root, tree, path: c.tag.path });
  }
  return found;
}

function wantsFiles(ctx: Context, key: RevisionKey): boolean {
  return ctx.opts.withFiles ? ctx.opts.withFiles(key) : true;
}

/**
 * The package's resource files, or undefined when they break the package limits (the revision is then skipped).
 * Files a resource cannot hold stay in git and are reported, so nothing is dropped silently.
 */
function readFiles(ctx: Context, repo: LocalRepo, ref: string, tree: string, root: string, path: string) {
  const files = readPackageFiles(
    repo.store,
    tree,
    (file, reason) =>
      ctx.skipped.push({
        ref: `${ref}:${path ? `${path}/` : ''}${file}`,
        reason: `${reason}; kept in git, not a resource`,
      }),
    { root, path },
  );
  const problems = resourceProblems(files, packageLimits());
  if (!Object.hasOwn(files, 'Kptfile')) problems.push({ path: 'Kptfile', problem: 'no Kptfile can be read' });
  if (problems.length === 0) return files;
  const shown = problems.slice(0, 3).map((p) => (p.path ? `${p.path}: ${p.problem}` : p.problem));
  ctx.skipped.push({ ref: `${ref}:${path || '/'}`, reason: `the package cannot be stored: ${shown.join('; ')}` });
  return undefined;
}

function addPlaceholders(ctx: Context, repo: LocalRepo, c: Candidate, root: string, message: string) {
  const branch = ctx.remote.branch;
  for (const pkg of findPackages(repo.store, root, ctx.directory)) {
    const packagePath = packagePathIn(ctx.directory, pkg.fullpath) ?? '';
    const problem = storageProblem(packagePath, branch, -1, ctx.opts.repository);
    if (problem) {
      ctx.skipped.push({ ref: `${c.fullRef}:${pkg.fullpath || '/'}`, reason: problem });
      continue;
    }
    const key = { packagePath, workspace: branch, revision: -1 };
    const files = wantsFiles(ctx, key) ? readFiles(ctx, repo, c.fullRef, pkg.tree, root, pkg.fullpath) : {};
    if (!files) continue;
    ctx.found.push({
      ...key,
      lifecycle: ctx.deletionProposed.has(`${pkg.fullpath}/${branch}`) ? 'DeletionProposed' : 'Published',
      ref: branch,
      fullRef: c.fullRef,
      commit: c.commit,
      files,
      tasks: tasksFromHistory([message], pkg.fullpath, branch),
    });
  }
}

function tagRevision(ctx: Context, repo: LocalRepo, c: Candidate, root: string, message: string) {
  const { path, suffix, revision } = c.tag!;
  const tree = findPackageAt(repo.store, root, path);
  if (!tree) return undefined; // not a package at that commit: a tag Porch ignores
  const packagePath = packagePathIn(ctx.directory, path)!;
  const workspace = revision > 0 ? (workspaceFromMessage(message, path) ?? `v${revision}`) : suffix;
  const problem = storageProblem(packagePath, workspace, revision, ctx.opts.repository);
  if (problem) {
    ctx.skipped.push({ ref: c.fullRef, reason: problem });
    return undefined;
  }
  const key = { packagePath, workspace, revision };
  const files = wantsFiles(ctx, key) ? readFiles(ctx, repo, c.fullRef, tree, root, path) : {};
  if (!files) return undefined;
  const dpName = `${path}/${revision > 0 ? `v${revision}` : workspace}`;
  const rev: DiscoveredRevision = {
    ...key,
    lifecycle: ctx.deletionProposed.has(dpName) ? 'DeletionProposed' : 'Published',
    ref: `${path}/${suffix}`,
    fullRef: c.fullRef,
    commit: c.commit,
    files,
    tasks: tasksFromHistory([message], path, workspace),
  };
  ctx.found.push(rev);
  return rev;
}
