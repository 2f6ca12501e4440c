import type { Queryable } from '../../db/queryable.js';
import { ConflictError } from '../../errors.js';
import { revisionExists } from '../../storage/package-revision-lookups.js';
import { findNestingPackage, packageExists } from '../../storage/packages.js';

/**
 * The uniqueness and nesting rules of docs/porch-semantics.md §4.5 steps 6–8, on full package paths (docs/api.md), run
 * inside the create transaction after its locks are taken.
 */
export async function checkNewRevision(
  q: Queryable,
  input: {
    namespace: string;
    repository: string;
    packagePath: string;
    workspace: string;
    name: string;
    taskType: string;
  },
): Promise<void> {
  const { namespace, repository, packagePath, workspace, name, taskType } = input;
  if (await revisionExists(q, namespace, name)) {
    throw new ConflictError(
      undefined,
      `package revision workspaceNames must be unique; package revision with name ${packagePath} in repo ${repository} with workspaceName ${workspace} already exists`,
    );
  }
  if (taskType !== 'init' && taskType !== 'clone') return;
  if (await packageExists(q, namespace, repository, packagePath)) {
    throw new ConflictError(
      undefined,
      taskType === 'clone'
        ? `\`clone\` cannot create a new revision for package "${packagePath}" that already exists in repo "${repository}"; make subsequent revisions using \`copy\``
        : `package "${packagePath}" already exists in repository "${repository}"`,
    );
  }
  const nested = await findNestingPackage(q, namespace, repository, packagePath);
  if (nested) {
    throw new ConflictError(
      undefined,
      `package path "${packagePath}" conflicts with existing package "${nested}": packages cannot be nested`,
    );
  }
}
