import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { routeKey, type RouteMatch } from '../http/routes.js';
import type { Identity } from '../rbac/types.js';

export interface IncomingRequest {
  method: string;
  /** Path and query as received, e.g. `/apis/x?limit=1`. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  sourceIp: string;
}

const TEXT_TYPES = /^(application\/([\w.+-]*\+)?(json|yaml|x-yaml)|text\/)/i;

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return out;
}

/**
 * Builds the API Gateway HTTP API (payload 2.0) event API Gateway would send for a request it routed to `match`:
 * routeKey, rawPath, rawQueryString, comma-joined lower-case headers, path parameters, a body that is base64 unless
 * its type is text, and a request context carrying the caller the way a Lambda authorizer would.
 */
export function requestToEvent(req: IncomingRequest, match: RouteMatch, identity: Identity): APIGatewayProxyEventV2 {
  const [rawPath, rawQueryString = ''] = req.url.split(/\?(.*)/s, 2);
  const headers = flattenHeaders(req.headers);
  const queryStringParameters: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(rawQueryString)) {
    queryStringParameters[k] = k in queryStringParameters ? `${queryStringParameters[k]},${v}` : v;
  }
  const hasBody = req.body.length > 0;
  const text = TEXT_TYPES.test(headers['content-type'] ?? 'application/json');
  const key = routeKey(match.route);
  const now = new Date();
  return {
    version: '2.0',
    routeKey: key,
    rawPath,
    rawQueryString,
    cookies: headers.cookie ? headers.cookie.split(/;\s*/) : undefined,
    headers,
    queryStringParameters: rawQueryString ? queryStringParameters : undefined,
    pathParameters: Object.keys(match.params).length > 0 ? match.params : undefined,
    body: hasBody ? (text ? req.body.toString('utf8') : req.body.toString('base64')) : undefined,
    isBase64Encoded: hasBody && !text,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      requestId: randomUUID(),
      routeKey: key,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      http: {
        method: req.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: req.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      authorizer: {
        lambda: { user: identity.user, groups: identity.groups, ...(identity.uid ? { uid: identity.uid } : {}) },
      },
    } as APIGatewayProxyEventV2['requestContext'],
  };
}
