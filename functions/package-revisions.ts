import { packageRevisionOperations } from '../lib/api/package-revisions/operations.js';
import { createAccess } from '../lib/api/rbac/access.js';
import { createHttpHandler } from '../lib/http/handler.js';

/** PackageRevision list, get, create, update and patch. */
export const handler = createHttpHandler(packageRevisionOperations, createAccess);
