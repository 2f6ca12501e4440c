import type { Queryable } from '../../db/queryable.js';
import { invalidValue } from '../../errors.js';
import type { Files, Lock, Task } from '../../kpt/types.js';
import { getPackageRevision } from '../../storage/package-revisions.js';
import { getRepository } from '../../storage/repositories.js';
import { getResources } from '../../storage/resources.js';
import type { PackageRevisionRow, RepositoryRow } from '../../storage/types.js';
import { readFromGit } from './clone-from-git.js';
import { cloneFiles } from '../../kpt/clone-package.js';
import { addDeploymentContext } from '../../kpt/package-context.js';
import { generateInitPackage } from '../../kpt/init-package.js';
import { packageName } from '../../names.js';
import { invalidRevision } from './refs.js';
import { runUpgrade } from './run-upgrade.js';
import { addMergeKeys } from '../../kpt/merge-keys.js';

export interface TaskTarget {
  namespace: string;
  name: string;
  repository: RepositoryRow;
  packagePath: string;
}

const packageNameOf = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** Porch adds the deployment package context to clones into a deployment repository (docs/porch-semantics.md §6). */
const deploymentOf = (target: TaskTarget) =>
  target.repository.deployment ? { deployment: { packagePath: target.packagePath } } : {};

/** A placeholder mirrors the branch head: revision -1 with the branch as workspace (docs/porch-semantics.md §6). */
async function isPlaceholder(q: Queryable, row: PackageRevisionRow): Promise<boolean> {
  if (row.revision !== -1) return false;
  const repo = await getRepository(q, row.namespace, row.repository);
  return !!repo && repo.branch === row.workspace;
}

async function findSource(q: Queryable, target: TaskTarget, field: string, name: string): Promise<PackageRevisionRow> {
  const row = await getPackageRevision(q, target.namespace, name);
  if (!row) throw invalidRevision(target.name, invalidValue(field, name, `cannot find package revision "${name}"`));
  return row;
}

/** A clone from git must read git before any transaction opens: thrown so the caller reads it, then retries. */
export class GitUpstreamNeeded extends Error {
  constructor(readonly read: () => Promise<Files>) {
    super('the git upstream of a clone is read before the transaction');
  }
}

/** Runs the creating task (docs/porch-semantics.md §6) and returns the new revision's files. */
export async function runTask(q: Queryable, target: TaskTarget, task: Task, gitUpstream?: Files): Promise<Files> {
  const fail = (field: string, value: unknown, why: string) => {
    throw invalidRevision(target.name, invalidValue(field, value, why));
  };
  const pkgName = packageNameOf(target.packagePath);
  switch (task.type) {
    case 'init':
      return generateInitPackage(pkgName, task.init ?? {});
    case 'edit': {
      const field = 'spec.tasks[0].edit.sourceRef.name';
      const source = await findSource(q, target, field, task.edit?.sourceRef?.name ?? '');
      const repo = target.repository;
      if (source.repository !== repo.name || source.packagePath !== target.packagePath) {
        fail(field, source.name, `source revision must be from same package ${repo.name}/${target.packagePath}`);
      }
      if (await isPlaceholder(q, source)) {
        fail(
          field,
          source.name,
          `source revision may not be the placeholder package revision ${repo.name}/${source.name}`,
        );
      }
      if (source.lifecycle !== 'Published' && source.lifecycle !== 'DeletionProposed') {
        fail(field, source.name, 'source revision must be published');
      }
      return await getResources(q, target.namespace, source.name);
    }
    case 'clone': {
      const up = task.clone!.upstreamRef;
      if (up.upstreamRef) {
        const field = 'spec.tasks[0].clone.upstreamRef.upstreamRef.name';
        const source = await findSource(q, target, field, up.upstreamRef.name);
        if (await isPlaceholder(q, source)) {
          fail(
            field,
            source.name,
            `upstream revision may not be the placeholder package revision ${source.repository}/${source.name}`,
          );
        }
        const files = await getResources(q, target.namespace, source.name);
        const lock = source.selfLock as Lock | null;
        return cloneFiles(addMergeKeys(files), { packageName: pkgName, upstreamLock: lock, ...deploymentOf(target) });
      }
      // Read with no transaction open: the first pass asks for the upstream, the second clones it.
      if (!gitUpstream)
        throw new GitUpstreamNeeded(() =>
          readFromGit(target.namespace, up.git!).then(({ files, lock }) =>
            cloneFiles(addMergeKeys(files), { packageName: pkgName, upstreamLock: lock }),
          ),
        );
      return target.repository.deployment
        ? addDeploymentContext(gitUpstream, pkgName, target.packagePath)
        : gitUpstream;
    }
    default:
      // checkTask has already refused unknown types; upgrade is the only one left.
      return runUpgrade(
        q,
        {
          namespace: target.namespace,
          name: target.name,
          package: packageName(target.repository.name, target.packagePath),
        },
        task,
        {
          find: (field, name) => findSource(q, target, field, name),
          isPlaceholder: (row) => isPlaceholder(q, row),
        },
      );
  }
}
