import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { matchRoute, routeKey } from '../../lib/http/routes.js';

export interface EventOptions {
  /** Query string without `?`, or an object of parameters. */
  query?: string | Record<string, string>;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string is sent as is (set content-type yourself for YAML). */
  body?: unknown;
  base64?: boolean;
  /** `requestContext.authorizer`; default: the user `tester` in the bootstrap admin group (allowed everything). */
  authorizer?: unknown;
  /** Force a route key (e.g. `$default`) instead of matching the route table. */
  routeKey?: string;
}

/**
 * A real API Gateway HTTP API (payload 2.0) event for `method path`, routed by the project's route table as API
 * Gateway would route it: routeKey, pathParameters, rawQueryString, lower-case headers, optional base64 body.
 */
export function httpEvent(method: string, path: string, options: EventOptions = {}): APIGatewayProxyEventV2 {
  const [pathOnly, inlineQuery = ''] = path.split('?');
  const rawQueryString =
    typeof options.query === 'string'
      ? options.query
      : options.query
        ? new URLSearchParams(options.query).toString()
        : inlineQuery;
  const match = matchRoute(method, pathOnly);
  const headers: Record<string, string> = { host: 'api.example.test', 'user-agent': 'vitest' };
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    if (typeof options.body !== 'string') headers['content-type'] = 'application/json';
  }
  for (const [k, v] of Object.entries(options.headers ?? {})) headers[k.toLowerCase()] = v;
  const queryStringParameters: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(rawQueryString)) {
    queryStringParameters[k] = k in queryStringParameters ? `${queryStringParameters[k]},${v}` : v;
  }
  const requestId = randomUUID();
  return {
    version: '2.0',
    routeKey: options.routeKey ?? (match.route ? routeKey(match.route) : '$default'),
    rawPath: pathOnly,
    rawQueryString,
    headers,
    queryStringParameters: rawQueryString ? queryStringParameters : undefined,
    pathParameters: match.route && Object.keys(match.params).length > 0 ? match.params : undefined,
    body: body === undefined ? undefined : options.base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: Boolean(options.base64 && body !== undefined),
    requestContext: {
      accountId: '123456789012',
      apiId: 'test',
      domainName: 'api.example.test',
      domainPrefix: 'api',
      requestId,
      routeKey: options.routeKey ?? (match.route ? routeKey(match.route) : '$default'),
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
      http: { method, path: pathOnly, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      authorizer:
        options.authorizer === undefined
          ? { lambda: { user: 'tester', groups: ['system:masters', 'system:authenticated'] } }
          : options.authorizer,
    } as APIGatewayProxyEventV2['requestContext'],
  };
}

/** The parsed JSON body of a handler result. */
export function jsonBody<T = any>(result: { body?: string }): T {
  return JSON.parse(result.body ?? 'null') as T;
}
