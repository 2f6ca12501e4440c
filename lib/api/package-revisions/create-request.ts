import { BadRequestError, forbiddenField, invalidValue, requiredField, type StatusCause } from '../../errors.js';
import type { PackageMetadata, ReadinessGate, Task } from '../../kpt/types.js';
import { packageRevisionName } from '../../names.js';
import { validatePackagePath, validateWorkspaceName } from '../../validation.js';
import { asRecord, asStringMap, labelCauses, readMeta, type RequestMeta } from './request-fields.js';
import { invalidRevision, LATEST_LABEL } from './refs.js';

/** A POST body reduced to what creation uses. */
export interface CreateRequest {
  repository: string;
  packagePath: string;
  workspace: string;
  tasks: Task[];
  packageMetadata?: PackageMetadata;
  readinessGates?: ReadinessGate[];
  parent?: { name: string };
  meta: RequestMeta;
}

/** Step 1 of docs/porch-semantics.md §4.5 without the Repository lookup: namespace and repository given. */
export function requireRepository(namespace: string | undefined, body: unknown): string {
  if (!namespace) throw new BadRequestError('namespace must be specified');
  const spec = asRecord(asRecord(body).spec);
  const repository = typeof spec.repository === 'string' ? spec.repository : '';
  if (!repository) throw new BadRequestError('spec.repositoryName is required');
  return repository;
}

/** Step 2 of docs/porch-semantics.md §4.5: field validation, every problem reported at once (422). */
export function parseCreateRequest(body: unknown): CreateRequest {
  const obj = asRecord(body);
  const spec = asRecord(obj.spec);
  const meta = readMeta(obj.metadata);
  const repository = String(spec.repository ?? '');
  const packagePath = typeof spec.packageName === 'string' ? spec.packageName : '';
  const workspace = typeof spec.workspaceName === 'string' ? spec.workspaceName : '';
  const causes: StatusCause[] = [];
  if (meta.labels && LATEST_LABEL in meta.labels) {
    causes.push(
      forbiddenField(`metadata.labels[${LATEST_LABEL}]`, 'label is managed by porch and cannot be set by users'),
    );
  }
  causes.push(...labelCauses(meta.labels));
  if (!packagePath) causes.push(requiredField('spec.packageName'));
  else {
    const errs = validatePackagePath(packagePath);
    if (errs.length) causes.push(invalidValue('spec.packageName', packagePath, errs.join(', ')));
  }
  if (!workspace) causes.push(requiredField('spec.workspaceName'));
  else {
    const errs = validateWorkspaceName(workspace);
    if (errs.length) causes.push(invalidValue('spec.workspaceName', workspace, errs.join(', ')));
  }
  const lifecycle = spec.lifecycle ?? '';
  if (lifecycle !== '' && lifecycle !== 'Draft') {
    causes.push(invalidValue('spec.lifecycle', lifecycle, 'value can be only created as Draft'));
  }
  if (spec.tasks !== undefined && spec.tasks !== null && !Array.isArray(spec.tasks)) {
    causes.push(invalidValue('spec.tasks', spec.tasks, 'must be a list'));
  }
  const packageMetadata = readPackageMetadata(spec.packageMetadata, causes);
  const readinessGates = readReadinessGates(spec.readinessGates, causes);
  const name = packagePath && workspace ? packageRevisionName(repository, packagePath, workspace) : '';
  if (causes.length) throw invalidRevision(name, ...causes);
  const parent = asRecord(spec.parent);
  return {
    repository,
    packagePath,
    workspace,
    tasks: (spec.tasks as Task[] | undefined) ?? [],
    packageMetadata,
    readinessGates,
    parent: typeof parent.name === 'string' && parent.name ? { name: parent.name } : undefined,
    meta,
  };
}

/** `spec.packageMetadata`: labels and annotations must be string maps. */
export function readPackageMetadata(value: unknown, causes: StatusCause[]): PackageMetadata | undefined {
  if (value === undefined || value === null) return undefined;
  const pm = asRecord(value);
  const out: PackageMetadata = {};
  for (const key of ['labels', 'annotations'] as const) {
    if (pm[key] === undefined || pm[key] === null) continue;
    const map = asStringMap(pm[key]);
    if (!map) causes.push(invalidValue(`spec.packageMetadata.${key}`, pm[key], 'must be a map of strings'));
    else out[key] = map;
  }
  return out;
}

/** `spec.readinessGates`: a list of `{conditionType}`. */
export function readReadinessGates(value: unknown, causes: StatusCause[]): ReadinessGate[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((g) => typeof asRecord(g).conditionType !== 'string')) {
    causes.push(invalidValue('spec.readinessGates', value, 'must be a list of {conditionType: <string>}'));
    return undefined;
  }
  return value.map((g) => ({ conditionType: String((g as ReadinessGate).conditionType) }));
}
