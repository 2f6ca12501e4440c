import { CronExpressionParser } from 'cron-parser';
import {
  BadRequestError,
  GoneError,
  InvalidError,
  invalidValue,
  requiredField,
  type StatusCause,
} from '../../errors.js';
import type { StoredMeta } from '../../storage/types.js';
import { hasCredentials, splitCredentials } from '../../git/url-credentials.js';
import { checkResourcePath } from '../package-revisions/kpt-resources.js';
import { dnsLabelErrors, dnsSubdomainErrors, labelErrors } from '../../validation.js';
import { CONFIG_GROUP, VERSION } from '../../api-groups.js';

export const REPOSITORY_GROUP = CONFIG_GROUP;
export const REPOSITORY_API_VERSION = `${CONFIG_GROUP}/${VERSION}`;
export const MIGRATION_ANNOTATION = 'porch.kpt.dev/v1alpha2-migration';

/** A Repository request body, checked and normalised: what storage needs. */
export interface RepositoryRequest {
  name: string;
  meta: StoredMeta;
  /** The spec as stored: the client's fields with Porch's defaults applied. */
  spec: Record<string, unknown>;
  type: 'git';
  repoUrl: string;
  branch: string;
  /** Without leading or trailing `/`; '' = root. */
  directory: string;
  deployment: boolean;
  resourceVersion?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const asObj = (v: unknown): Obj => (isObj(v) ? v : {});

/** `spec.git.directory` as git paths use it: no leading/trailing slash; '' = repository root. */
export function normaliseDirectory(directory: string): string {
  return directory.replace(/^\/+|\/+$/g, '');
}

function checkGit(git: Obj, causes: StatusCause[]) {
  const repo = git.repo;
  if (typeof repo !== 'string' || repo === '') {
    causes.push(requiredField('spec.git.repo', 'the address of the git repository is required'));
  } else if (!/^https?:\/\/[^/\s]+/.test(repo)) {
    causes.push(invalidValue('spec.git.repo', repo, 'must be an http:// or https:// URL of a git repository'));
  } else if (hasCredentials(repo)) {
    // Stored, listed and synced with: a secret in the URL would be shown to every reader. Not echoed back either.
    causes.push(
      invalidValue(
        'spec.git.repo',
        splitCredentials(repo).url,
        'must not contain a user name or password; put credentials in a Secret named by spec.git.secretRef',
      ),
    );
  }
  if (git.branch !== undefined && (typeof git.branch !== 'string' || git.branch === '')) {
    causes.push(invalidValue('spec.git.branch', git.branch, 'must be at least 1 character long'));
  }
  const dir = typeof git.directory === 'string' ? normaliseDirectory(git.directory) : '';
  // Packages are published below it: the path rule of package files applies (no `..`, `.git`, control characters).
  const dirProblem = dir === '' ? undefined : checkResourcePath(dir);
  if (dirProblem) causes.push(invalidValue('spec.git.directory', git.directory, dirProblem));
  const secret = asObj(git.secretRef).name;
  if (secret !== undefined && secret !== '' && (typeof secret !== 'string' || dnsSubdomainErrors(secret).length > 0)) {
    causes.push(invalidValue('spec.git.secretRef.name', secret, dnsSubdomainErrors(String(secret)).join(', ')));
  }
}

function checkSync(sync: Obj, causes: StatusCause[]) {
  if (typeof sync.schedule === 'string' && sync.schedule !== '') {
    try {
      CronExpressionParser.parse(sync.schedule, { tz: 'UTC' });
    } catch (err) {
      causes.push(
        invalidValue('spec.sync.schedule', sync.schedule, `not a valid cron expression: ${(err as Error).message}`),
      );
    }
  }
  if (sync.runOnceAt !== undefined && sync.runOnceAt !== null) {
    if (typeof sync.runOnceAt !== 'string' || Number.isNaN(Date.parse(sync.runOnceAt))) {
      causes.push(
        invalidValue('spec.sync.runOnceAt', sync.runOnceAt, 'must be an RFC 3339 time, e.g. 2026-01-02T15:04:05Z'),
      );
    }
  }
}

function storedMeta(metadata: Obj): StoredMeta {
  const meta: StoredMeta = {};
  if (isObj(metadata.labels)) meta.labels = metadata.labels as Record<string, string>;
  if (isObj(metadata.annotations)) meta.annotations = metadata.annotations as Record<string, string>;
  if (Array.isArray(metadata.finalizers) && metadata.finalizers.length > 0)
    meta.finalizers = metadata.finalizers as string[];
  if (Array.isArray(metadata.ownerReferences) && metadata.ownerReferences.length > 0)
    meta.ownerReferences = metadata.ownerReferences;
  if (Array.isArray(metadata.managedFields) && metadata.managedFields.length > 0)
    meta.managedFields = metadata.managedFields;
  return meta;
}

/**
 * Checks a Repository body against docs/porch-semantics.md §1.1 and applies its defaults (type git, content Package,
 * branch main, root directory). Wrong apiVersion/kind/namespace/name → 400; invalid field values → 422 listing
 * every problem; the v1alpha2-migration annotation → 410.
 */
export function readRepositoryRequest(body: Obj, namespace: string, urlName?: string): RepositoryRequest {
  if (body.apiVersion !== undefined && body.apiVersion !== REPOSITORY_API_VERSION) {
    throw new BadRequestError(`apiVersion must be ${REPOSITORY_API_VERSION}, got ${JSON.stringify(body.apiVersion)}`);
  }
  if (body.kind !== undefined && body.kind !== 'Repository') {
    throw new BadRequestError(`kind must be Repository, got ${JSON.stringify(body.kind)}`);
  }
  const metadata = asObj(body.metadata);
  if (metadata.namespace !== undefined && metadata.namespace !== '' && metadata.namespace !== namespace) {
    throw new BadRequestError('the namespace of the provided object does not match the namespace sent on the request');
  }
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  if (urlName !== undefined && name !== '' && name !== urlName) {
    throw new BadRequestError(`the name of the object (${name}) does not match the name on the URL (${urlName})`);
  }
  const objectName = name || urlName || '';
  const annotations = asObj(metadata.annotations);
  if (annotations[MIGRATION_ANNOTATION] === 'true') {
    throw new GoneError(`repository "${objectName}" is managed by v1alpha2; use the v1alpha2 API`);
  }
  const causes: StatusCause[] = [];
  if (name === '' && urlName === undefined) causes.push(requiredField('metadata.name', 'name is required'));
  else if (name !== '' && dnsLabelErrors(name).length > 0)
    causes.push(invalidValue('metadata.name', name, dnsLabelErrors(name).join(', ')));
  for (const [key, value] of Object.entries(asObj(metadata.labels))) {
    for (const [shown, why] of labelErrors(key, String(value)))
      causes.push(invalidValue('metadata.labels', shown, why));
  }
  const spec = asObj(body.spec);
  const type = spec.type ?? 'git';
  if (type !== 'git')
    causes.push(invalidValue('spec.type', type, 'supported values: "git" (this service syncs git repositories only)'));
  if (spec.content !== undefined && spec.content !== '' && spec.content !== 'Package') {
    causes.push(
      invalidValue(
        'spec.content',
        spec.content,
        "The 'content' field is deprecated, its only valid value is 'Package'",
      ),
    );
  }
  if (!isObj(spec.git)) causes.push(requiredField('spec.git', 'git repository details are required when type is git'));
  const git = asObj(spec.git);
  if (isObj(spec.git)) checkGit(git, causes);
  checkSync(asObj(spec.sync), causes);
  if (causes.length > 0) throw new InvalidError('Repository', REPOSITORY_GROUP, objectName, causes);

  const branch = typeof git.branch === 'string' ? git.branch : 'main';
  const stored: Obj = { ...spec, type: 'git', content: 'Package', git: { ...git, branch } };
  return {
    name: objectName,
    meta: storedMeta(metadata),
    spec: stored,
    type: 'git',
    repoUrl: git.repo as string,
    branch,
    directory: normaliseDirectory(typeof git.directory === 'string' ? git.directory : ''),
    deployment: spec.deployment === true,
    resourceVersion:
      typeof metadata.resourceVersion === 'string' && metadata.resourceVersion !== ''
        ? metadata.resourceVersion
        : undefined,
  };
}
