import { createRepositoryOperations } from '../lib/api/repositories/operations.js';
import { createAccess } from '../lib/api/rbac/access.js';
import { createHttpHandler } from '../lib/http/handler.js';
import { requestSync } from '../lib/sync/request-sync.js';

/**
 * Repository CRUD. Registration asks for the first sync at once; the scheduled fan-out is the fallback.
 * In AWS an async invoke of the sync function (SYNC_FUNCTION_NAME); the fan-out also finds new repositories due.
 */
export const operations = createRepositoryOperations({
  requestSync: (namespace, name) => requestSync(namespace, name),
});
export const handler = createHttpHandler(operations, createAccess);
