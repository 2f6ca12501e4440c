/**
 * The `rbac` function's operations on Role, RoleBinding, ClusterRole and ClusterRoleBinding (docs/access-control.md):
 * list, get, create, update, patch (merge, and strategic merge, which for these kinds replaces lists the same way)
 * and delete, as `kubectl create role|rolebinding`, `kubectl get` and `kubectl apply` use them. The request was
 * already authorized; writes also pass the escalation checks.
 */
import { objectBody, type ApiRequest, type ApiResult, type Operations } from '../../contract/api-types.js';
import { parseListParams } from '../../contract/list-params.js';
import { mergePatch } from '../../contract/merge-patch.js';
import { listOrTable, objectOrTable } from '../../contract/table.js';
import { ApiError, ConflictError, InvalidError, NotFoundError, invalidValue } from '../../errors.js';
import { RBAC_GROUP } from '../../rbac/types.js';
import {
  deleteRbacObject,
  getRbacObject,
  insertRbacObject,
  listRbacObjects,
  rbacRef,
  RBAC_RESOURCES,
  updateRbacObject,
  type RbacKind,
  type RbacRow,
} from '../../storage/rbac-objects.js';
import { checkKnownFields } from '../discovery/known-fields.js';
import { checkBindingWrite, checkRoleWrite } from './escalation.js';
import { RBAC_API_VERSION, readRbacObject, toRbacObject, type RbacInput } from './rbac-object.js';
import { rbacColumns } from './rbac-columns.js';
import { isApply } from '../../contract/write-options.js';
import { reviewOperations } from './reviews.js';

const namespaceOf = (kind: RbacKind, req: ApiRequest) =>
  kind === 'Role' || kind === 'RoleBinding' ? (req.params.namespace ?? '') : '';

async function loadExisting(req: ApiRequest, kind: RbacKind): Promise<RbacRow> {
  const row = await getRbacObject(req.db, kind, namespaceOf(kind, req), req.params.name!);
  if (!row) throw new NotFoundError(rbacRef(kind, req.params.name!));
  return row;
}

async function checkWrite(req: ApiRequest, kind: RbacKind, namespace: string, verb: string, input: RbacInput) {
  if (input.content.rules) await checkRoleWrite(req.access, kind, namespace, input.name, verb, input.content.rules);
  if (input.content.roleRef)
    await checkBindingWrite(req.db, req.access, kind, namespace, input.name, verb, input.content.roleRef);
}

function operationsOf(kind: RbacKind): Operations {
  const columns = rbacColumns(kind);

  const update = async (req: ApiRequest, verb = 'update'): Promise<ApiResult> => {
    const namespace = namespaceOf(kind, req);
    const body = objectBody(req);
    checkKnownFields(kind, body, req.query.fieldValidation);
    const input = readRbacObject(kind, body, namespace, req.params.name);
    const ref = rbacRef(kind, input.name);
    if (!input.resourceVersion) throw new ConflictError(ref, 'resourceVersion must be specified for an update');
    await checkWrite(req, kind, namespace, verb, input);
    const current = await loadExisting(req, kind);
    const [next, before] = [input.content.roleRef, current.roleRef];
    if (next && (next.apiGroup !== before?.apiGroup || next.kind !== before?.kind || next.name !== before?.name)) {
      throw new InvalidError(kind, RBAC_GROUP, input.name, [
        invalidValue('roleRef', input.content.roleRef, 'cannot change roleRef'),
      ]);
    }
    const row = await updateRbacObject(
      req.db,
      kind,
      namespace,
      input.name,
      input.resourceVersion,
      input.content,
      req.caller.user,
    );
    return { status: 200, body: toRbacObject(row) };
  };

  return {
    list: async (req) => {
      const params = parseListParams(req.query);
      const page = await listRbacObjects(req.db, kind, req.params.namespace, params);
      const list = {
        apiVersion: RBAC_API_VERSION,
        kind: `${kind}List`,
        metadata: page.continue ? { continue: page.continue } : {},
        items: page.items.map(toRbacObject),
      };
      return { status: 200, body: listOrTable(req.headers, req.query, columns, list) };
    },
    get: async (req) => ({
      status: 200,
      body: objectOrTable(req.headers, req.query, columns, toRbacObject(await loadExisting(req, kind))),
    }),
    create: async (req) => {
      const namespace = namespaceOf(kind, req);
      const body = objectBody(req);
      checkKnownFields(kind, body, req.query.fieldValidation);
      const input = readRbacObject(kind, body, namespace);
      await checkWrite(req, kind, namespace, 'create', input);
      const row = await insertRbacObject(req.db, kind, namespace, input.name, input.content, req.caller.user);
      return { status: 201, body: toRbacObject(row) };
    },
    update: (req) => update(req),
    patch: async (req) => {
      if (isApply(req))
        throw new ApiError(
          415,
          'UnsupportedMediaType',
          `server-side apply is not served for ${kind}; use kubectl apply without --server-side`,
        );
      const current = toRbacObject(await loadExisting(req, kind));
      const patchBody = objectBody(req) as { metadata?: { resourceVersion?: string } };
      const merged = mergePatch(current, patchBody) as Record<string, any>;
      const resourceVersion =
        patchBody.metadata?.resourceVersion ?? (current.metadata as Record<string, unknown>).resourceVersion;
      merged.metadata = { ...merged.metadata, resourceVersion };
      return update({ ...req, body: merged }, 'patch');
    },
    delete: async (req) => {
      const options = (req.body ?? {}) as { preconditions?: { resourceVersion?: string } };
      const row = await deleteRbacObject(
        req.db,
        kind,
        namespaceOf(kind, req),
        req.params.name!,
        options.preconditions?.resourceVersion || undefined,
      );
      return { status: 200, body: toRbacObject(row) };
    },
  };
}

/** The rbac function's operations, named as the route table names them (`<verb>:<resource>`, the reviews). */
export function createRbacOperations(): Operations {
  const operations: Operations = { ...reviewOperations };
  for (const kind of Object.keys(RBAC_RESOURCES) as RbacKind[]) {
    for (const [verb, op] of Object.entries(operationsOf(kind))) operations[`${verb}:${RBAC_RESOURCES[kind]}`] = op;
  }
  return operations;
}

export const rbacOperations = createRbacOperations();
