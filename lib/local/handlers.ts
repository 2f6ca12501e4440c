import { discoveryOperations } from '../api/discovery/operations.js';
import { packageOperations } from '../api/packages/operations.js';
import { approvalOperations, packageRevisionOperations } from '../api/package-revisions/operations.js';
import { createRepositoryOperations } from '../api/repositories/operations.js';
import { resourcesOperations } from '../api/resources/operations.js';
import { rbacOperations } from '../api/rbac/operations.js';
import type { Operations } from '../contract/api-types.js';
import { createAccess } from '../api/rbac/access.js';
import { createHttpHandler, type HandlerDeps, type HttpHandler } from '../http/handler.js';
import type { LogSink } from '../http/request-log.js';
import type { FunctionName } from '../http/routes.js';
import { answerUnmatched } from '../http/unmatched.js';

/** What the local server hands to every function: its database, log, and the in-process sync trigger. */
export interface LocalDeps extends HandlerDeps {
  requestSync: (namespace: string, name: string) => Promise<void>;
  log: LogSink;
}

/**
 * One handler per function of the route table, built from the same operations the Lambda functions in
 * `functions/` use, with the local database, log and sync trigger injected; watches are streamed.
 */
export function createLocalHandlers(deps: LocalDeps): Record<FunctionName, HttpHandler> {
  const operations: Record<FunctionName, Operations> = {
    discovery: { ...discoveryOperations, unmatched: answerUnmatched },
    repositories: createRepositoryOperations({ requestSync: deps.requestSync }),
    packages: packageOperations,
    'package-revisions': packageRevisionOperations,
    'package-revision-resources': resourcesOperations,
    approval: approvalOperations,
    rbac: rbacOperations,
  };
  const handlers = {} as Record<FunctionName, HttpHandler>;
  for (const [fn, ops] of Object.entries(operations))
    handlers[fn as FunctionName] = createHttpHandler(ops, createAccess, { ...deps, streaming: true });
  return handlers;
}
