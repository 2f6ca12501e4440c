/** The package-revision-resources operations of the route table. */
import type { ApiRequest, Operations } from '../../contract/api-types.js';
import { parseListParams } from '../../contract/list-params.js';
import { checkKnownFields } from '../discovery/known-fields.js';
import { listOrTable, objectOrTable } from '../../contract/table.js';
import { mergePatch } from '../../contract/merge-patch.js';
import { resourcesColumns } from '../package-revisions/table.js';
import { getRevisionResources, listRevisionResources } from './read.js';
import { toResourcesList } from './to-object.js';
import { updateRevisionResources } from './update.js';
import { refuseApply } from '../apply/refuse-apply.js';
import { changeLogHorizon } from '../../storage/change-log.js';
import { watchOperation } from '../watch/watch-operation.js';

const ns = (req: ApiRequest) => req.params.namespace;

export const resourcesOperations: Operations = {
  async list(req) {
    const params = parseListParams(req.query);
    const version = await changeLogHorizon(req.db);
    const page = await listRevisionResources(req.db, { ...params, namespace: ns(req) });
    const list = toResourcesList(page.items, page.continue, version);
    return { status: 200, body: listOrTable(req.headers, req.query, resourcesColumns, list) };
  },
  watch: watchOperation('packagerevisionresources'),
  async get(req) {
    const item = await getRevisionResources(req.db, ns(req)!, req.params.name!);
    return { status: 200, body: objectOrTable(req.headers, req.query, resourcesColumns, item) };
  },
  async update(req) {
    return {
      status: 200,
      body: await updateRevisionResources(req.db, ns(req)!, req.params.name!, req.body, req.caller.user),
    };
  },
  async patch(req) {
    refuseApply(req, 'packagerevisionresources');
    const current = await getRevisionResources(req.db, ns(req)!, req.params.name!);
    // A merge patch of spec.resources adds/replaces/removes (null) single files.
    const body = mergePatch(current, req.body);
    checkKnownFields('PackageRevisionResources', body, req.query.fieldValidation);
    return {
      status: 200,
      body: await updateRevisionResources(req.db, ns(req)!, req.params.name!, body, req.caller.user),
    };
  },
};
