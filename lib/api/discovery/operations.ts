import type { ApiResult, Operations } from '../../http/api-types.js';
import { answerUnmatched } from '../../http/unmatched.js';
import { apiGroupList, apiResourceList, coreVersions, serverVersion } from './documents.js';
import { checkHealth } from './health.js';
import { groupOfPath, openapiV2, openapiV3, openapiV3Index } from './openapi.js';

const ok = (body: unknown): ApiResult => ({ status: 200, body });

/** The discovery function's operations, by the route table's operation names. */
export const discoveryOperations: Operations = {
  coreVersions: async () => ok(coreVersions()),
  groups: async () => ok(apiGroupList()),
  resources: async (req) => ok(apiResourceList(groupOfPath(req.path))),
  version: async () => ok(serverVersion()),
  openapiV2: async () => ok(openapiV2()),
  openapiV3Index: async () => ok(openapiV3Index()),
  openapiV3: async (req) => ok(openapiV3(groupOfPath(req.path))),
  healthz: async (req) => checkHealth(async () => req.db),
  unmatched: answerUnmatched,
};
