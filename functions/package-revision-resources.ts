import { resourcesOperations } from '../lib/api/resources/operations.js';
import { createAccess } from '../lib/api/rbac/access.js';
import { createHttpHandler } from '../lib/http/handler.js';

/** PackageRevisionResources list, get, update and patch. */
export const handler = createHttpHandler(resourcesOperations, createAccess);
