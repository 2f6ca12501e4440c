/**
 * Name checks before a write, so that bad input is refused with Kubernetes' wording for the field at fault rather
 * than with the name of the database constraint that would refuse it anyway.
 */
import { InvalidError, invalidValue, type StatusCause } from '../errors.js';
import { packageRevisionName } from '../names.js';
import {
  dnsLabelErrors,
  validateStoredPackagePath,
  validatePackageRevisionName,
  validateWorkspaceName,
} from '../validation.js';
import { CONFIG_GROUP, PORCH_GROUP } from '../api-groups.js';

// Unversioned tag revisions (revision -1) keep a dotted version as their workspace (docs/porch-semantics.md §3.2).
const VERSION_WORKSPACE = /^v[0-9]+(\.[0-9]+)*$/;

function check(field: string, value: string, errs: string[], causes: StatusCause[]) {
  if (errs.length) causes.push(invalidValue(field, value, errs.join(', ')));
}

/** Refuses a revision whose repository, package path, workspace or composed name is not a valid Kubernetes name. */
export function checkRevisionNames(r: {
  repository: string;
  packagePath: string;
  workspace: string;
  revision?: number;
}): void {
  const causes: StatusCause[] = [];
  check('spec.repository', r.repository, dnsLabelErrors(r.repository), causes);
  check('spec.packageName', r.packagePath, validateStoredPackagePath(r.packagePath), causes);
  const versioned = r.revision === -1 && VERSION_WORKSPACE.test(r.workspace);
  if (!versioned) check('spec.workspaceName', r.workspace, validateWorkspaceName(r.workspace), causes);
  const name = packageRevisionName(r.repository, r.packagePath, r.workspace);
  if (!causes.length) check('metadata.name', name, validatePackageRevisionName(name), causes);
  if (causes.length) throw new InvalidError('PackageRevision', PORCH_GROUP, name, causes);
}

/** Refuses a repository whose namespace or name is not a DNS label. */
export function checkRepositoryNames(namespace: string, name: string): void {
  const causes: StatusCause[] = [];
  check('metadata.namespace', namespace, dnsLabelErrors(namespace), causes);
  check('metadata.name', name, dnsLabelErrors(name), causes);
  if (causes.length) throw new InvalidError('Repository', CONFIG_GROUP, name, causes);
}
