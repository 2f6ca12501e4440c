import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { config } from '../config.js';
import { getDatabase, type Database } from '../db/pool.js';
import { ApiError, BadRequestError, MethodNotAllowedError } from '../errors.js';
import {
  bodyCheckOf,
  ignoresBody,
  needsDatabase,
  type AccessFactory,
  type ApiRequest,
  type ApiResult,
  type Operations,
  type ResponseStream,
  type StaticRequest,
} from '../contract/api-types.js';
import { resolveCaller } from './caller.js';
import { toErrorResponse, statusBody } from './error-response.js';
import { normaliseHeaders, parseQuery } from './headers.js';
import { isWatchRequest } from '../contract/list-params.js';
import { collectStream } from './collect-stream.js';
import { bodyBytes, decodeBody, parseBody, requireObjectBody } from './request-body.js';
import { readDryRun } from './dry-run.js';
import { runRolledBack } from '../storage/dry-run.js';
import { logState, requestLog, stdoutLog, type LogSink } from './request-log.js';
import { DEFAULT_ROUTE_KEY, findRoute } from './routes.js';
import { RouteNotFoundError } from './unmatched.js';
import { decodeKubeProtobuf, isKubeProtobuf } from './protobuf/decode-body.js';
import type { IdentitySettings } from '../auth/identity-settings.js';
import { requestAttributes } from '../rbac/request-attributes.js';

export type {
  AccessFactory,
  ApiRequest,
  ApiResult,
  Operation,
  Operations,
  Caller,
  ResponseStream,
  StreamSink,
} from '../contract/api-types.js';
export { ignoringBody } from '../contract/api-types.js';

/** What a handler needs from outside; tests and the local server pass their own, Lambda uses the defaults. */
export interface HandlerDeps {
  /** The database operations run against; default: the container's shared pool (`getDatabase`). */
  database?: () => Promise<Database>;
  /** Largest body accepted, in bytes; default: `MAX_BODY_BYTES` of the configuration. */
  maxBodyBytes?: number;
  /** Deepest nesting accepted in a body; default: `MAX_BODY_DEPTH` of the configuration. */
  maxBodyDepth?: number;
  /** Where the per-request log line goes; default: stdout. */
  log?: LogSink;
  /**
   * The caller streams responses (local server, watch function): a watch comes back as `stream`. Otherwise (API
   * Gateway, which cannot stream) the stream is collected into the body for at most `BUFFERED_STREAM_MS`.
   */
  streaming?: boolean;
  /** Token claims → identity, and the bootstrap admin group; default: `identity` of the configuration. */
  identity?: IdentitySettings;
}

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2 & { stream?: ResponseStream };
export type HttpHandler = (event: HttpEvent, context?: Partial<Context>) => Promise<HttpResult>;

const BODY_VERBS = new Set(['POST', 'PUT', 'PATCH']);

/** Turns the v2 event into an ApiRequest: route, headers, query, size-limited body, caller, database. */
async function buildRequest(
  event: HttpEvent,
  operations: Operations,
  createAccess: AccessFactory,
  deps: Required<HandlerDeps>,
  requestId: string,
) {
  const route = findRoute(event.routeKey);
  if (!route) throw new RouteNotFoundError();
  const method = event.requestContext?.http?.method ?? route.method;
  const query = parseQuery(event.rawQueryString);
  // A list with watch=true is the verb `watch`: the function's `watch` operation streams it.
  const name = route.operation === 'list' && isWatchRequest(query) ? 'watch' : route.operation;
  const operation = operations[name];
  // Only the discovery function serves the catch-all; any other answers it the same way.
  if (!operation && route.path === DEFAULT_ROUTE_KEY) throw new RouteNotFoundError();
  if (!operation) throw new MethodNotAllowedError(`${method} is not supported on ${event.rawPath}`);
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.pathParameters ?? {})) if (value !== undefined) params[key] = value;
  if (route.path.includes('{namespace}') && !params.namespace) throw new BadRequestError('namespace must be specified');
  if (route.path.includes('{name}') && !params.name) throw new BadRequestError('resource name may not be empty');
  const headers = normaliseHeaders(event.headers);
  const caller = resolveCaller(
    (event.requestContext as { authorizer?: unknown } | undefined)?.authorizer,
    deps.identity,
  );
  logState(event).user = caller.user;
  // Static documents and the 404/405 answers run without waiting for a database that may be down (they are typed
  // to receive no `db`); every authorized route needs it for RBAC.
  const db = needsDatabase(operation) || route.authorize ? await deps.database() : undefined;
  const access = db && createAccess(db, caller, deps.identity.bootstrapAdminGroup);
  // The one authorization point (docs/access-control.md "Enforcement"): before the body is read, so a caller who
  // may not do something learns nothing else about it.
  if (route.authorize) {
    const attrs = requestAttributes(method, route.path, params, query);
    if (!attrs) throw new Error(`route ${route.path} is not a resource path; mark it authorize: false`);
    await access!.require(attrs);
  }
  let body: unknown;
  let warnings: string[] = [];
  if (!ignoresBody(operation)) {
    if (method === 'PATCH' && /json-patch\+json/i.test(headers['content-type'] ?? '')) {
      // Only merge patches are served; parsing an RFC 6902 operation list as the object would mislead with a 400.
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        'JSON patch (application/json-patch+json) is not supported; send a merge patch (application/merge-patch+json, kubectl patch --type merge)',
      );
    }
    const contentType = headers['content-type'];
    if (isKubeProtobuf(contentType)) {
      const bytes = bodyBytes(event.body, event.isBase64Encoded, deps.maxBodyBytes);
      body = bytes && decodeKubeProtobuf(bytes);
    } else {
      const text = decodeBody(event.body, event.isBase64Encoded, deps.maxBodyBytes);
      body = parseBody(text, contentType, deps.maxBodyDepth);
    }
    if (BODY_VERBS.has(method)) body = requireObjectBody(body);
    warnings = bodyCheckOf(operations)?.(route.path, method, body, query.fieldValidation) ?? [];
  }
  const base: StaticRequest = {
    operation: name,
    method,
    path: event.rawPath,
    params,
    query,
    headers,
    body,
    caller,
    dryRun: readDryRun(method, event.rawQueryString, body),
    database: deps.database,
    requestId,
  };
  const request = (db && access ? { ...base, db, access } : base) as ApiRequest;
  return { request, operation, warnings };
}

function toHttpResult(result: ApiResult, requestId: string): HttpResult {
  return {
    statusCode: result.status,
    headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...result.headers },
    body: result.body === undefined ? '' : JSON.stringify(result.body),
    isBase64Encoded: false,
    ...(result.stream ? { stream: result.stream } : {}),
  };
}

/** The request id (API Gateway's, else Lambda's, else a new one), fixed once per event for response and log. */
function requestIdOf(event: HttpEvent, context?: Partial<Context>): string {
  const state = logState(event);
  state.requestId ??= event.requestContext?.requestId || context?.awsRequestId || randomUUID();
  return state.requestId;
}

/** Middleware turning any error into the Status response (and keeping a 5xx's details for the log line only). */
function errorResponder(): MiddlewareObj<HttpEvent, HttpResult> {
  return {
    onError: (request) => {
      const requestId = requestIdOf(request.event, request.context);
      const { status, unexpected } = toErrorResponse(request.error, requestId);
      if (unexpected || status.code >= 500) {
        const err = request.error as Error | null;
        logState(request.event).error = {
          name: err?.name ?? 'Error',
          message: String(err?.message ?? err),
          stack: err?.stack,
        };
      }
      const headers: Record<string, string> = {};
      if (status.details?.retryAfterSeconds) headers['retry-after'] = String(status.details.retryAfterSeconds);
      request.response = toHttpResult({ status: status.code, body: status, headers }, requestId);
    },
  };
}

/**
 * Builds the middy handler of one Lambda function for API Gateway HTTP API (payload 2.0) events: routes by
 * `event.routeKey` to one of `operations`, authorizes the caller with the access `createAccess` builds (lib/api's,
 * given by the entry point), parses the request, runs the operation and answers JSON; every failure becomes a
 * Kubernetes Status, and one JSON log line is written per request.
 */
export function createHttpHandler(
  operations: Operations,
  createAccess: AccessFactory,
  deps: HandlerDeps = {},
): HttpHandler {
  const resolved: Required<HandlerDeps> = {
    database: deps.database ?? getDatabase,
    maxBodyBytes: deps.maxBodyBytes ?? config().maxBodyBytes,
    maxBodyDepth: deps.maxBodyDepth ?? config().maxBodyDepth,
    log: deps.log ?? stdoutLog,
    streaming: deps.streaming ?? false,
    identity: deps.identity ?? config().identity,
  };
  const core = async (event: HttpEvent, context: Context): Promise<HttpResult> => {
    const requestId = requestIdOf(event, context);
    const { request, operation, warnings } = await buildRequest(event, operations, createAccess, resolved, requestId);
    // An operation without a database (a 404/405 answer) has nothing to roll back.
    const result =
      request.dryRun && needsDatabase(operation)
        ? await runRolledBack(request.db, (db) => operation({ ...request, db }))
        : await operation(request);
    // Kubernetes' Warning header format; kubectl prints each one.
    if (warnings.length > 0)
      result.headers = { ...result.headers, warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ') };
    return toHttpResult(result, requestId);
  };
  const handler = middy<HttpEvent, HttpResult>(core).use(requestLog(resolved.log)).use(errorResponder());
  if (resolved.streaming) return (event, context = {}) => handler(event, context as Context);
  return async (event, context = {}) => collectStream(await handler(event, context as Context));
}

export { statusBody };
