import type { Queryable } from '../../db/queryable.js';
import { ConflictError } from '../../errors.js';

/**
 * The uniqueness and nesting rules of docs/porch-behaviour.md §4.5 steps 6–8, on full package paths (docs/api.md), run
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
  const taken = await q.query('select 1 from package_revisions where namespace = $1 and name = $2', [namespace, name]);
  if (taken.rowCount) {
    throw new ConflictError(
      undefined,
      `package revision workspaceNames must be unique; package revision with name ${packagePath} in repo ${repository} with workspaceName ${workspace} already exists`,
    );
  }
  if (taskType !== 'init' && taskType !== 'clone') return;
  const existing = await q.query('select 1 from packages where namespace = $1 and repository = $2 and path = $3', [
    namespace,
    repository,
    packagePath,
  ]);
  if (existing.rowCount) {
    throw new ConflictError(
      undefined,
      taskType === 'clone'
        ? `\`clone\` cannot create a new revision for package "${packagePath}" that already exists in repo "${repository}"; make subsequent revisions using \`copy\``
        : `package "${packagePath}" already exists in repository "${repository}"`,
    );
  }
  const ancestors = packagePath
    .split('/')
    .slice(0, -1)
    .map((_, i, parts) => parts.slice(0, i + 1).join('/'));
  const nested = await q.query<{ path: string }>(
    `select path from packages
      where namespace = $1 and repository = $2 and (path = any($3) or starts_with(path, $4))
      order by path limit 1`,
    [namespace, repository, ancestors, `${packagePath}/`],
  );
  if (nested.rowCount) {
    throw new ConflictError(
      undefined,
      `package path "${packagePath}" conflicts with existing package "${nested.rows[0]!.path}": packages cannot be nested`,
    );
  }
}
