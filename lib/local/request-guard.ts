/**
 * What the local server refuses when it runs without API_TOKEN (docs/limits.md): a web page the user visits can
 * send requests to 127.0.0.1, directly or through a DNS name it rebinds there. So only Host values naming the
 * loopback interface are served, a browser's cross-site Origin is refused, and a body must have a type a page
 * cannot send without a CORS preflight (JSON, YAML, or kubectl's protobuf), which this server never grants.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { StatusReason } from '../errors.js';

export interface Refusal {
  code: 403 | 415;
  reason: StatusReason;
  message: string;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const BODY_TYPES = /^application\/(json|[\w.-]+\+json|yaml|x-yaml|[\w.-]+\+yaml|vnd\.kubernetes\.protobuf)\s*(;|$)/i;

/**
 * Whether `host` (a Host header or a URL's host) names the loopback interface; with `port`, also that a port it
 * names is that one. A rebound DNS name is what this stops, so a Host's port is not checked (port forwards differ).
 */
export function isLoopbackHost(host: string, port?: number): boolean {
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(host.trim().toLowerCase());
  if (!m || !LOOPBACK_HOSTS.has(m[1]!)) return false;
  return port === undefined || m[2] === undefined || Number(m[2]) === port;
}

function isLoopbackOrigin(origin: string, port: number): boolean {
  try {
    const u = new URL(origin);
    return (u.protocol === 'http:' || u.protocol === 'https:') && isLoopbackHost(u.host, port);
  } catch {
    return false; // includes the opaque origin "null" of sandboxed frames and file:// pages
  }
}

/** Why a tokenless request must not be served, or undefined when it may be; `port` is the server's own. */
export function refuseTokenless(
  method: string,
  headers: IncomingHttpHeaders,
  hasBody: boolean,
  port: number,
): Refusal | undefined {
  const host = headers.host ?? '';
  if (!isLoopbackHost(host)) {
    return {
      code: 403,
      reason: 'Forbidden',
      message: `Host "${host.slice(0, 100)}" does not name this machine's loopback interface; without API_TOKEN only localhost, 127.0.0.1 and [::1] are served`,
    };
  }
  const origin = headers.origin;
  if (origin !== undefined && !isLoopbackOrigin(origin, port)) {
    return { code: 403, reason: 'Forbidden', message: 'cross-site requests are refused without API_TOKEN' };
  }
  if (headers['sec-fetch-site'] === 'cross-site') {
    return { code: 403, reason: 'Forbidden', message: 'cross-site requests are refused without API_TOKEN' };
  }
  if (hasBody && method !== 'GET' && !BODY_TYPES.test(headers['content-type'] ?? '')) {
    return {
      code: 415,
      reason: 'UnsupportedMediaType',
      message: `request body needs Content-Type application/json or application/yaml, got "${(headers['content-type'] ?? '').slice(0, 100)}"`,
    };
  }
  return undefined;
}
