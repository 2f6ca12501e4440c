import { createRepositoryOperations, type RepositoryDeps } from '../lib/api/repositories/operations.js';
import { createHttpHandler } from '../lib/http/handler.js';

/** Repository CRUD. Registration asks for the first sync at once; the scheduled fan-out is the fallback. */
export const createOperations = (deps: RepositoryDeps) => createRepositoryOperations(deps);

// Until the sync layer exports its Lambda trigger, the fan-out (which finds new repositories due at once) syncs them.
export const operations = createRepositoryOperations({ requestSync: async () => undefined });
export const handler = createHttpHandler(operations);
