import type { Database } from '../../db/pool.js';
import { ConflictError, invalidValue, NotFoundError } from '../../errors.js';
import type { Files, Lock, Task } from '../../kpt/types.js';
import { packageRevisionName } from '../../names.js';
import { validatePackageRevisionName } from '../../validation.js';
import { pushesOnRenderFailure, renderRevision } from '../../render/render-revision.js';
import { checkNewRevision } from './create-checks.js';
import { parseCreateRequest, requireRepository } from './create-request.js';
import { applyCreateSpec, deriveFromKptfile, requireCreatedKptfile } from './kptfile.js';
import { checkResources } from './kpt-resources.js';
import { splitCredentials } from '../../git/url-credentials.js';
import { createKey, repositoryKey, tryLock, waitLock } from './locks.js';
import { checkNotMigrated, invalidRevision, repositoryRef, revisionRef } from './refs.js';
import { GitUpstreamNeeded, runTask } from './run-task.js';
import { createPackageRevision } from '../../storage/package-revisions.js';
import { getRepository } from '../../storage/repositories.js';
import { checkTask } from './task-check.js';
import { checkBodyNamespace } from './update.js';
import { toPackageRevision, type PackageRevisionObject } from './to-object.js';

/** Where a revision that exists only in the database "lives" (docs/porch-semantics.md §4.6). */
export const draftLock = (repoUrl: string, packagePath: string, workspace: string): Lock => ({
  type: 'git',
  git: { repo: repoUrl, directory: packagePath, ref: `drafts/${packagePath}/${workspace}`, commit: 'not-pushed' },
});

/**
 * POST packagerevisions (docs/porch-semantics.md §4.5): validates in Porch's order, runs the task, writes the Kptfile
 * fields of the spec, renders, and stores row and files in one transaction guarded by a per-(ns, repo, package, ws)
 * try-lock.
 */
export async function createRevision(
  db: Database,
  namespace: string | undefined,
  body: unknown,
  user: string,
): Promise<PackageRevisionObject> {
  checkBodyNamespace(body, namespace);
  const repoName = requireRepository(namespace, body);
  const ns = namespace!;
  const repository = await getRepository(db, ns, repoName);
  if (!repository) throw new NotFoundError(repositoryRef(repoName));
  checkNotMigrated(repository);
  const req = parseCreateRequest(body);
  const { packagePath, workspace } = req;
  const name = packageRevisionName(repoName, packagePath, workspace);
  if (req.tasks.length > 1) {
    throw invalidRevision(
      name,
      invalidValue('spec.tasks', req.tasks.length, 'task list must not contain more than one task'),
    );
  }
  const task: Task = req.tasks.length
    ? req.tasks[0]!
    : { type: 'init', init: { description: `${packagePath} description` } };
  const nameErrors = validatePackageRevisionName(name);
  if (nameErrors.length) {
    throw invalidRevision(
      name,
      invalidValue(
        'metadata.name',
        name,
        `failed to create packagerevision: package revision kubernetes resource name invalid: ${nameErrors.join(', ')}`,
      ),
    );
  }
  if (workspace === repository.branch) {
    throw invalidRevision(
      name,
      invalidValue(
        'spec.workspaceName',
        workspace,
        `workspace name may not be the branch name "${repository.branch}" of repository "${repoName}": it names the package's placeholder revision`,
      ),
    );
  }
  checkTask(name, task);
  const target = { namespace: ns, repository: repoName, packagePath, workspace, name, taskType: task.type };
  // Nothing is held while git or a function runs (docs/render.md): a short transaction that only reads checks and
  // runs the task (a clone from git asks for its upstream first, read with none open), the result renders with
  // none open, and the writing transaction re-checks under the locks.
  const produce = (gitUpstream?: Files) =>
    db.transaction(async (client) => {
      await checkNewRevision(client, target);
      return runTask(client, { namespace: ns, name, repository, packagePath }, task, gitUpstream);
    });
  let produced: Files;
  try {
    produced = await produce();
  } catch (err) {
    if (!(err instanceof GitUpstreamNeeded)) throw err;
    produced = await produce(await err.read());
  }
  requireCreatedKptfile(name, task, produced);
  const checked = checkResources(
    name,
    applyCreateSpec(produced, req.packageMetadata, req.readinessGates),
    invalidRevision,
  );
  const rendered = await renderRevision(checked, { pushOnFailure: pushesOnRenderFailure(req.meta.annotations) });
  const files = rendered.files;
  const derived = deriveFromKptfile(files);
  const { resourceVersion: _ignored, deletionTimestamp: _notOnCreate, ...meta } = req.meta;
  const created = await db.transaction(async (client) => {
    const busy = `another request is already in progress to create package revision with details namespace="${ns}", repository="${repoName}", package="${packagePath}",workspace="${workspace}"`;
    if (!(await tryLock(client, createKey(ns, repoName, packagePath, workspace)))) {
      throw new ConflictError(revisionRef('(new creation)'), busy);
    }
    // init and clone create packages: creators of different packages in one repository take turns so that the
    // nesting check cannot miss a package being created next door.
    if (task.type === 'init' || task.type === 'clone') {
      await waitLock(client, repositoryKey(ns, repoName), () => new ConflictError(revisionRef('(new creation)'), busy));
    }
    await checkNewRevision(client, target);
    const row = await createPackageRevision(
      client,
      {
        namespace: ns,
        repository: repoName,
        packagePath,
        workspace,
        meta,
        spec: {
          ...(derived.packageMetadata ? { packageMetadata: derived.packageMetadata } : {}),
          ...(derived.readinessGates ? { readinessGates: derived.readinessGates } : {}),
          ...(req.parent ? { parent: req.parent } : {}),
        },
        tasks: [storedTask(task)],
        selfLock: draftLock(repository.repoUrl, packagePath, workspace),
        upstreamLock: derived.upstreamLock ?? null,
        conditions: derived.conditions ?? [],
        updatedBy: user,
      },
      files,
    );
    return toPackageRevision(row, repository.deployment);
  });
  // push-on-render-failure: the unrendered revision is stored, and the request still reports the failure
  // (docs/porch-semantics.md §6.1).
  if (rendered.failure) throw rendered.failure;
  return created;
}

/** The task as stored: credentials in a clone URL authenticate the fetch, but are never kept (nor published). */
function storedTask(task: Task): Task {
  const clone = task.clone;
  const git = clone?.upstreamRef.git;
  if (!clone || !git) return task;
  return {
    ...task,
    clone: { ...clone, upstreamRef: { ...clone.upstreamRef, git: { ...git, repo: splitCredentials(git.repo).url } } },
  };
}
