/** Whether a discovered revision fits the storage rules (migrations/0001 and 0010), so a bad ref is skipped, not fatal. */
import { packageRevisionName } from '../names.js';
import { isDnsLabel, validateStoredPackagePath } from '../validation.js';

const MAX_REVISION = 2_147_483_647;
const VERSION_WORKSPACE = /^v[0-9]+(\.[0-9]+)*$/;

/** Why (pkgpath, workspace, revision) cannot be stored, or undefined when it can. */
export function storageProblem(
  packagePath: string,
  workspace: string,
  revision: number,
  repository?: string,
): string | undefined {
  if (packagePath === '') return 'a package at the repository directory itself has no package path';
  const pathErrors = validateStoredPackagePath(packagePath);
  if (pathErrors.length) return `package path "${packagePath}" is not valid: ${pathErrors.join(', ')}`;
  if (revision === 0) return 'revision 0 is reserved for drafts and proposals';
  if (revision < -1) return `revision ${revision} is negative`;
  if (revision > MAX_REVISION) return `revision ${revision} is out of range`;
  if (!isDnsLabel(workspace) && !(revision === -1 && VERSION_WORKSPACE.test(workspace))) {
    return `workspace "${workspace}" is not a valid Kubernetes name (RFC 1123 label)`;
  }
  if (repository) {
    const name = packageRevisionName(repository, packagePath, workspace);
    if (name.length > 253) return `package revision name "${name}" is longer than 253 characters`;
  }
  return undefined;
}
