import { discoveryOperations } from '../api/discovery/operations.js';
import { packageOperations } from '../api/packages/operations.js';
import { packageRevisionOperations } from '../api/package-revisions/operations.js';
import { createRepositoryOperations } from '../api/repositories/operations.js';
import { resourcesOperations } from '../api/resources/operations.js';
import { createAccess } from '../api/rbac/access.js';
import { createHttpHandler, type HandlerDeps, type HttpHandler } from '../http/handler.js';
import type { FunctionName } from '../http/routes.js';
import { answerUnmatched } from '../http/unmatched.js';

/**
 * Streaming handlers of the functions that serve the read routes (discovery, lists, gets, watches), built from the
 * same operations as their Lambda functions. Only GET routes reach them, so nothing here writes or requests a sync.
 */
export function createReadHandlers(deps: HandlerDeps): Partial<Record<FunctionName, HttpHandler>> {
  const streaming = { ...deps, streaming: true };
  const noSync = async () => {
    throw new Error('the watch function does not write');
  };
  return {
    discovery: createHttpHandler({ ...discoveryOperations, unmatched: answerUnmatched }, createAccess, streaming),
    repositories: createHttpHandler(createRepositoryOperations({ requestSync: noSync }), createAccess, streaming),
    packages: createHttpHandler(packageOperations, createAccess, streaming),
    'package-revisions': createHttpHandler(packageRevisionOperations, createAccess, streaming),
    'package-revision-resources': createHttpHandler(resourcesOperations, createAccess, streaming),
  };
}
