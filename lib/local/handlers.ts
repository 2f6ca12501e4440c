import type { Operations } from '../http/api-types.js';
import { createHttpHandler, type HandlerDeps, type HttpHandler } from '../http/handler.js';
import type { LogSink } from '../http/request-log.js';
import type { FunctionName } from '../http/routes.js';

/** What the local server hands to every function: its database, log, and the in-process sync trigger. */
export interface LocalDeps extends HandlerDeps {
  requestSync: (namespace: string, name: string) => Promise<void>;
  log: LogSink;
}

type FunctionModule = { operations?: Operations; createOperations?: (deps: LocalDeps) => Operations };

const FUNCTIONS: FunctionName[] = ['discovery', 'repositories', 'packages', 'package-revisions', 'package-revision-resources', 'approval'];

/**
 * Builds a handler per function from `functions/<name>.ts` — its `createOperations(deps)` when it needs
 * dependencies (the repositories function's sync trigger), else its `operations` — with the local database
 * injected. A function whose module is absent is left out (its routes then answer 404) and reported.
 */
export async function loadHandlers(deps: LocalDeps): Promise<Partial<Record<FunctionName, HttpHandler>>> {
  const handlers: Partial<Record<FunctionName, HttpHandler>> = {};
  for (const fn of FUNCTIONS) {
    let mod: FunctionModule;
    try {
      mod = (await import(`../../functions/${fn}.js`)) as FunctionModule;
    } catch (err) {
      deps.log({ level: 'warn', msg: 'function not loaded', function: fn, error: (err as Error).message.split('\n')[0] });
      continue;
    }
    const operations = mod.createOperations?.(deps) ?? mod.operations;
    if (!operations) {
      deps.log({ level: 'warn', msg: 'function exports no operations', function: fn });
      continue;
    }
    handlers[fn] = createHttpHandler(operations, deps);
  }
  return handlers;
}
