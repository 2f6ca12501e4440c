/** The package-revision operations of the route table: ApiRequest in, ApiResult out, the work done by services. */
import type { ApiRequest, Operations } from '../../http/api-types.js';
import { parseListParams } from '../../http/list-params.js';
import { checkKnownFields } from '../discovery/known-fields.js';
import { listOrTable, objectOrTable } from '../../http/table.js';
import { approveRevision } from './approve.js';
import { createRevision } from './create.js';
import { deleteRevision } from './delete.js';
import { mergePatch } from './merge-patch.js';
import { getRevision, listRevisions } from './read.js';
import { revisionColumns } from './table.js';
import { toPackageRevisionList } from './to-object.js';
import { updateRevision } from './update.js';

const ns = (req: ApiRequest) => req.params.namespace;

/** PATCH: a JSON merge patch over the current object, type-checked as a PUT body is, then the same path as PUT. */
async function patched(req: ApiRequest) {
  const current = await getRevision(req.db, ns(req)!, req.params.name!);
  const merged = mergePatch(current, req.body);
  checkKnownFields('PackageRevision', merged, req.query.fieldValidation);
  return merged;
}

export const packageRevisionOperations: Operations = {
  async list(req) {
    const params = parseListParams(req.query);
    const page = await listRevisions(req.db, { ...params, namespace: ns(req) });
    return {
      status: 200,
      body: listOrTable(req.headers, req.query, revisionColumns, toPackageRevisionList(page.items, page.continue)),
    };
  },
  async get(req) {
    const item = await getRevision(req.db, ns(req)!, req.params.name!);
    return { status: 200, body: objectOrTable(req.headers, req.query, revisionColumns, item) };
  },
  async create(req) {
    return { status: 201, body: await createRevision(req.db, ns(req), req.body, req.caller.user) };
  },
  async update(req) {
    return { status: 200, body: await updateRevision(req.db, ns(req)!, req.params.name!, req.body, req.caller.user) };
  },
  async patch(req) {
    const body = await patched(req);
    return { status: 200, body: await updateRevision(req.db, ns(req)!, req.params.name!, body, req.caller.user) };
  },
};

export const approvalOperations: Operations = {
  async approve(req) {
    const startedAt = new Date();
    return {
      status: 200,
      body: await approveRevision(req.db, ns(req)!, req.params.name!, req.body, req.caller.user, startedAt),
    };
  },
  async patch(req) {
    const startedAt = new Date();
    const body = await patched(req);
    return {
      status: 200,
      body: await approveRevision(req.db, ns(req)!, req.params.name!, body, req.caller.user, startedAt),
    };
  },
  async delete(req) {
    return { status: 200, body: await deleteRevision(req.db, ns(req)!, req.params.name!, req.caller.user) };
  },
};
