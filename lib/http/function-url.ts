/**
 * The watch function behind a Lambda function URL with response streaming (API Gateway HTTP APIs cannot stream).
 * It serves every GET route of the route table — discovery, lists, gets and watches — so a kubeconfig can point at
 * it alone for reading and following; it checks the caller's JWT itself with the API's rules, and ends a watch
 * before the function's time limit (the client re-watches from its last version).
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { Writable } from 'node:stream';
import { statusBody } from './error-response.js';
import type { HttpHandler, HttpResult } from './handler.js';
import { defaultRoute, matchRoute, routeKey, type FunctionName } from './routes.js';

export interface ResponseMeta {
  statusCode: number;
  headers: Record<string, string>;
}

export interface FunctionUrlDeps {
  handlers: Partial<Record<FunctionName, HttpHandler>>;
  /** Checks a bearer token and returns its claims; throws when it is not valid. Absent: the URL uses IAM auth. */
  verify?: (token: string) => Promise<Record<string, unknown>>;
  /** Lambda's `awslambda.HttpResponseStream.from`: writes status and headers, returns the body stream. */
  startResponse: (stream: Writable, meta: ResponseMeta) => Writable;
  /** How long before the function's limit a watch is ended (it needs a moment to send its last bookmark). */
  marginMs?: number;
}

type Stream = Writable;

function end(
  stream: Stream,
  deps: FunctionUrlDeps,
  code: number,
  reason: Parameters<typeof statusBody>[1],
  message: string,
) {
  const body = deps.startResponse(stream, {
    statusCode: code,
    headers: { 'content-type': 'application/json', ...(code === 401 ? { 'www-authenticate': 'Bearer' } : {}) },
  });
  body.end(JSON.stringify(statusBody(code, reason, message)));
}

const write = (out: Writable, chunk: string) =>
  new Promise<void>((resolve) => {
    if (out.destroyed || out.writableEnded) return resolve();
    if (out.write(chunk)) return resolve();
    out.once('drain', resolve);
    out.once('close', resolve);
  });

async function send(stream: Stream, result: HttpResult, deps: FunctionUrlDeps, context: Partial<Context>) {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
  const out = deps.startResponse(stream, { statusCode: result.statusCode ?? 200, headers });
  if (!result.stream) {
    out.end(result.body ?? '');
    return;
  }
  const left = (context.getRemainingTimeInMillis?.() ?? 900_000) - (deps.marginMs ?? 10_000);
  await result.stream({ write: (chunk) => write(out, chunk), signal: AbortSignal.timeout(Math.max(1000, left)) });
  out.end();
}

/** The streaming handler: routes the function URL event as API Gateway would, authenticates, streams. */
export function createFunctionUrlHandler(deps: FunctionUrlDeps) {
  return async (event: APIGatewayProxyEventV2, stream: Stream, context: Partial<Context> = {}): Promise<void> => {
    const method = event.requestContext?.http?.method ?? 'GET';
    const found = matchRoute(method, event.rawPath);
    const match = found.route ? found : { route: defaultRoute, params: {} };
    if (found.route && found.route.method !== 'GET') {
      return end(
        stream,
        deps,
        405,
        'MethodNotAllowed',
        `${method} is served by the API URL; this URL serves reads and watches`,
      );
    }
    let claims: Record<string, unknown> | undefined;
    if (match.route.auth && deps.verify) {
      const token = /^Bearer\s+(.+)$/i.exec(event.headers?.authorization ?? '')?.[1];
      try {
        if (!token) throw new Error('no token');
        claims = await deps.verify(token.trim());
      } catch {
        return end(stream, deps, 401, 'Unauthorized', 'Unauthorized');
      }
    }
    const handler = deps.handlers[match.route.fn];
    if (!handler) return end(stream, deps, 405, 'MethodNotAllowed', `${method} is served by the API URL`);
    const key = routeKey(match.route);
    const routed: APIGatewayProxyEventV2 = {
      ...event,
      routeKey: key,
      pathParameters: Object.keys(match.params).length ? match.params : undefined,
      requestContext: {
        ...event.requestContext,
        routeKey: key,
        ...(claims ? { authorizer: { jwt: { claims, scopes: [] } } } : {}),
      } as APIGatewayProxyEventV2['requestContext'],
    };
    await send(stream, await handler(routed, context), deps, context);
  };
}
