import { packageOperations } from '../lib/api/packages/operations.js';
import { createAccess } from '../lib/api/rbac/access.js';
import { createHttpHandler } from '../lib/http/handler.js';

/** PorchPackage list/get; create, update and delete answer 405. */
export const operations = packageOperations;
export const handler = createHttpHandler(operations, createAccess);
