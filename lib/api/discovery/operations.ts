import { withoutDatabase, type ApiResult, type Operations } from '../../contract/api-types.js';
import { apiGroupList, apiResourceList, coreVersions, serverVersion } from './documents.js';
import { checkHealth } from './health.js';
import { groupOfPath, openapiV2, openapiV3, openapiV3Index } from './openapi.js';

const ok = (body: unknown): ApiResult => ({ status: 200, body });

/**
 * The discovery function's operations, by the route table's operation names; the entry points add lib/http's
 * `unmatched` answer for the catch-all route.
 */
export const discoveryOperations: Operations = {
  coreVersions: withoutDatabase(async () => ok(coreVersions())),
  groups: withoutDatabase(async () => ok(apiGroupList())),
  resources: withoutDatabase(async (req) => ok(apiResourceList(groupOfPath(req.path)))),
  version: withoutDatabase(async () => ok(serverVersion())),
  openapiV2: withoutDatabase(async () => ok(openapiV2())),
  openapiV3Index: withoutDatabase(async () => ok(openapiV3Index())),
  openapiV3: withoutDatabase(async (req) => ok(openapiV3(groupOfPath(req.path)))),
  // Opening the pool counts against the check's own 2 s.
  healthz: withoutDatabase(async (req) => checkHealth(req.database)),
};
