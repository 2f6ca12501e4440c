import { logger } from '../../log.js';
import {
  checkingBodies,
  objectBody,
  type ApiRequest,
  type ApiResult,
  type Operations,
} from '../../contract/api-types.js';
import { parseListParams } from '../../contract/list-params.js';
import { mergePatch } from '../../contract/merge-patch.js';
import { checkBodyFields, checkKnownFields } from '../discovery/known-fields.js';
import { listOrTable, objectOrTable } from '../../contract/table.js';
import { ConflictError, GoneError, InvalidError, NotFoundError, invalidValue, type StatusCause } from '../../errors.js';
import { deleteRepository, getRepository, insertRepository, updateRepository } from '../../storage/repositories.js';
import { getSyncState } from '../../storage/repository-sync.js';
import { changeLogHorizon } from '../../storage/change-log.js';
import { refs, type RepositoryRow } from '../../storage/types.js';
import type { Queryable } from '../../db/queryable.js';
import { repositoryColumns, toRepositoryObject } from './repository-object.js';
import { serveApply, withUpdateEntry } from '../apply/serve-apply.js';
import { isApply } from '../../contract/write-options.js';
import { listRepositoryObjects } from './list-objects.js';
import { watchOperation } from '../watch/watch-operation.js';
import { repositorySecrets, requireSecretsAccess } from '../rbac/secret-access.js';
import {
  MIGRATION_ANNOTATION,
  REPOSITORY_API_VERSION,
  REPOSITORY_GROUP,
  readRepositoryRequest,
} from './repository-request.js';

export interface RepositoryDeps {
  /** Starts a sync of one repository without waiting for it (async Lambda invoke in AWS, in-process locally). */
  requestSync: (namespace: string, name: string) => Promise<void>;
}

/** Asks for a sync; a failure only delays it until the scheduled fan-out, which finds the repository due. */
async function trySync(deps: RepositoryDeps, namespace: string, name: string) {
  try {
    await deps.requestSync(namespace, name);
  } catch (err) {
    logger.warn('sync request failed; the fan-out will pick it up', {
      namespace,
      repository: name,
      error: (err as Error).message,
    });
  }
}

async function withStatus(q: Queryable, row: RepositoryRow) {
  return toRepositoryObject(row, await getSyncState(q, row.namespace, row.name));
}

async function loadExisting(q: Queryable, namespace: string, name: string): Promise<RepositoryRow> {
  const row = await getRepository(q, namespace, name);
  if (!row) throw new NotFoundError(refs.repository(name));
  return row;
}

function refuseMigrated(row: RepositoryRow) {
  if (row.meta.annotations?.[MIGRATION_ANNOTATION] === 'true') {
    throw new GoneError(`repository "${row.name}" is managed by v1alpha2; use the v1alpha2 API`);
  }
}

async function list(req: ApiRequest): Promise<ApiResult> {
  const params = parseListParams(req.query);
  const resourceVersion = await changeLogHorizon(req.db);
  const page = await listRepositoryObjects(req.db, { namespace: req.params.namespace, ...params });
  const list = {
    apiVersion: REPOSITORY_API_VERSION,
    kind: 'RepositoryList',
    metadata: { resourceVersion, ...(page.continue ? { continue: page.continue } : {}) },
    items: page.items,
  };
  return { status: 200, body: listOrTable(req.headers, req.query, repositoryColumns, list) };
}

async function get(req: ApiRequest): Promise<ApiResult> {
  const row = await loadExisting(req.db, req.params.namespace, req.params.name);
  return { status: 200, body: objectOrTable(req.headers, req.query, repositoryColumns, await withStatus(req.db, row)) };
}

/** Stores a new Repository from a body whose managedFields are already computed. */
function createFrom(deps: RepositoryDeps) {
  return async (req: ApiRequest, body: Record<string, unknown>) => {
    const input = readRepositoryRequest(body, req.params.namespace);
    await requireSecretsAccess(req.access, req.params.namespace, repositorySecrets(body));
    const row = await insertRepository(req.db, {
      namespace: req.params.namespace,
      ...input,
      updatedBy: req.caller.user,
    });
    if (!req.dryRun) await trySync(deps, row.namespace, row.name);
    return withStatus(req.db, row);
  };
}

function create(deps: RepositoryDeps) {
  const store = createFrom(deps);
  return async (req: ApiRequest): Promise<ApiResult> => {
    const body = withUpdateEntry(req, REPOSITORY_API_VERSION, undefined, objectBody(req));
    return { status: 201, body: await store(req, body) };
  };
}

function immutableChanges(current: RepositoryRow, next: ReturnType<typeof readRepositoryRequest>): StatusCause[] {
  const causes: StatusCause[] = [];
  const check = (field: string, before: string, after: string, shown: unknown) => {
    if (before !== after) causes.push(invalidValue(field, shown, 'field is immutable'));
  };
  const git = (next.spec.git ?? {}) as Record<string, unknown>;
  check('spec.type', current.type, next.type, next.type);
  check('spec.git.repo', current.repoUrl, next.repoUrl, git.repo);
  check('spec.git.branch', current.branch, next.branch, git.branch);
  check('spec.git.directory', current.directory, next.directory, git.directory ?? '');
  return causes;
}

/** Replaces a Repository with a body whose managedFields are already computed. */
function updateFrom(deps: RepositoryDeps) {
  return async (req: ApiRequest, body: Record<string, unknown>) => {
    const { namespace, name } = req.params;
    const input = readRepositoryRequest(body, namespace, name);
    await requireSecretsAccess(req.access, namespace, repositorySecrets(body));
    const ref = refs.repository(name);
    if (!input.resourceVersion) throw new ConflictError(ref, 'resourceVersion must be specified for an update');
    const current = await loadExisting(req.db, namespace, name);
    refuseMigrated(current);
    const causes = immutableChanges(current, input);
    if (causes.length > 0) throw new InvalidError('Repository', REPOSITORY_GROUP, name, causes);
    const row = await updateRepository(
      req.db,
      namespace,
      name,
      input.resourceVersion,
      {
        deployment: input.deployment,
        meta: input.meta,
        spec: input.spec,
      },
      req.caller.user,
    );
    if (row.generation !== current.generation && !req.dryRun) await trySync(deps, namespace, name);
    return withStatus(req.db, row);
  };
}

/** The Repository as GET answers it, or undefined. */
async function readObject(req: ApiRequest) {
  const row = await getRepository(req.db, req.params.namespace, req.params.name);
  return row && withStatus(req.db, row);
}

function update(deps: RepositoryDeps) {
  const store = updateFrom(deps);
  return async (req: ApiRequest): Promise<ApiResult> => {
    const body = objectBody(req);
    const live = await readObject(req);
    return { status: 200, body: await store(req, withUpdateEntry(req, REPOSITORY_API_VERSION, live, body)) };
  };
}

/**
 * PATCH: a server-side apply, or a merge patch applied to the current object and then checked as PUT is
 * (resourceVersion from the patch if given).
 */
function patch(deps: RepositoryDeps) {
  const createBody = createFrom(deps);
  const updateBody = updateFrom(deps);
  return async (req: ApiRequest): Promise<ApiResult> => {
    if (isApply(req)) {
      return serveApply(req, {
        kind: 'Repository',
        apiVersion: REPOSITORY_API_VERSION,
        resource: 'repositories',
        read: () => readObject(req),
        create: (body) => createBody(req, body),
        update: (body) => updateBody(req, body),
      });
    }
    const current = await withStatus(req.db, await loadExisting(req.db, req.params.namespace, req.params.name));
    const merged = mergePatch(current, objectBody(req)) as Record<string, any>;
    const given = (req.body as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion;
    merged.metadata = { ...merged.metadata, resourceVersion: given ?? current.metadata.resourceVersion };
    checkKnownFields('Repository', merged, req.query.fieldValidation);
    return { status: 200, body: await updateBody(req, withUpdateEntry(req, REPOSITORY_API_VERSION, current, merged)) };
  };
}

async function remove(req: ApiRequest): Promise<ApiResult> {
  const { namespace, name } = req.params;
  const current = await loadExisting(req.db, namespace, name);
  refuseMigrated(current);
  const options = (req.body ?? {}) as { preconditions?: { resourceVersion?: string } };
  const state = await getSyncState(req.db, namespace, name);
  const row = await deleteRepository(req.db, namespace, name, options.preconditions?.resourceVersion || undefined);
  return { status: 200, body: toRepositoryObject(row, state) };
}

/** The repositories function's operations; `deps` carries the sync trigger (injected so tests and the local server choose). */
export function createRepositoryOperations(deps: RepositoryDeps): Operations {
  return checkingBodies(
    {
      list,
      watch: watchOperation('repositories'),
      get,
      create: create(deps),
      update: update(deps),
      patch: patch(deps),
      delete: remove,
    },
    checkBodyFields,
  );
}
