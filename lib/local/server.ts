import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { StatusReason } from '../errors.js';
import { statusBody } from '../http/error-response.js';
import type { HttpHandler } from '../http/handler.js';
import type { LogSink } from '../http/request-log.js';
import { defaultRoute, matchRoute, type FunctionName, type RouteMatch } from '../http/routes.js';
import { requestToEvent } from './request-event.js';
import { refuseTokenless } from './request-guard.js';
import { sendStream } from './stream-response.js';
import { localAuthenticator } from '../auth/local-authenticator.js';
import { ANONYMOUS_USER, DEFAULT_IDENTITY_SETTINGS, UNAUTHENTICATED_GROUP } from '../auth/identity-settings.js';
import type { TokenEntry } from '../auth/token-file.js';

export interface LocalServerOptions {
  port: number;
  host?: string;
  /** One handler per function of the route table; a missing one answers 404. */
  handlers: Partial<Record<FunctionName, HttpHandler>>;
  /** When set, every route except /healthz needs `Authorization: Bearer <token>`. */
  apiToken?: string;
  /** The owner: the identity requests run as without tokens, or with API_TOKEN (the stand-in for API Gateway's authorizer). */
  user: string;
  /** Users of a kube-apiserver-style token file (TOKEN_AUTH_FILE); with any, a token is required. */
  tokens?: TokenEntry[];
  /** The owner's admin group; default `system:masters`. */
  bootstrapAdminGroup?: string;
  maxBodyBytes: number;
  log: LogSink;
  /** Serve HTTPS with this key and certificate (PEM); kubectl sends tokens only over TLS. */
  tls?: { key: string; cert: string };
}

export interface LocalServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Reads the body, stopping at `limit + 1` bytes so an oversized upload cannot fill memory. */
function readBody(req: IncomingMessage, limit: number): Promise<{ body: Buffer; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve({ body: Buffer.concat(chunks), tooLarge }));
    req.on('error', reject);
  });
}

/** Serves the route table over node:http, turning each request into a v2 event for the same Lambda handlers. */
export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const host = options.host ?? '127.0.0.1';
  let boundPort = options.port;
  const tokenless = !options.apiToken && !options.tokens?.length;
  const authenticate = localAuthenticator({
    owner: options.user,
    apiToken: options.apiToken,
    tokens: options.tokens,
    bootstrapAdminGroup: options.bootstrapAdminGroup ?? DEFAULT_IDENTITY_SETTINGS.bootstrapAdminGroup,
  });

  const answer = (
    res: ServerResponse,
    req: IncomingMessage,
    started: number,
    code: number,
    reason: StatusReason,
    message: string,
  ) => {
    res.writeHead(code, {
      'content-type': 'application/json',
      ...(code === 401 ? { 'www-authenticate': 'Bearer' } : {}),
    });
    res.end(JSON.stringify(statusBody(code, reason, message)));
    const path = (req.url ?? '/').split('?')[0];
    options.log({
      level: 'warn',
      msg: 'request',
      method: req.method,
      path,
      status: code,
      durationMs: Math.round(performance.now() - started),
    });
  };

  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const { body, tooLarge } = await readBody(req, options.maxBodyBytes);
    const found = matchRoute(method, url.split('?')[0]);
    // Unmatched requests take the catch-all route to the discovery function, as API Gateway's $default does.
    const match: RouteMatch = found.route ? found : { route: defaultRoute, params: {} };
    const identity = authenticate(req.headers.authorization);
    if (match.route.auth && !identity) {
      return answer(res, req, started, 401, 'Unauthorized', 'Unauthorized: send Authorization: Bearer <token>');
    }
    // Without any token, anyone who reaches the port is the owner: serve only what a loopback caller would send.
    const refused = tokenless ? refuseTokenless(method, req.headers, body.length > 0, boundPort) : undefined;
    if (refused) return answer(res, req, started, refused.code, refused.reason, refused.message);
    if (tooLarge) {
      return answer(
        res,
        req,
        started,
        413,
        'RequestEntityTooLarge',
        `request body is larger than the limit of ${options.maxBodyBytes} bytes`,
      );
    }
    const handler = options.handlers[match.route.fn];
    if (!handler)
      return answer(
        res,
        req,
        started,
        404,
        'NotFound',
        `the ${match.route.fn} function is not available in this build`,
      );
    const event = requestToEvent(
      { method, url, headers: req.headers, body, sourceIp: req.socket.remoteAddress ?? '' },
      match,
      identity ?? { user: ANONYMOUS_USER, groups: [UNAUTHENTICATED_GROUP] },
    );
    const result = await handler(event);
    if (result.stream) return sendStream(res, result);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
    res.writeHead(result.statusCode ?? 200, headers);
    res.end(
      result.body === undefined ? undefined : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8'),
    );
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    serve(req, res).catch((err: Error) => {
      options.log({ level: 'error', msg: 'local server failure', error: err.message, stack: err.stack });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify(statusBody(500, 'InternalError', 'Internal error occurred: local server failure')));
    });
  };
  const server: Server = options.tls ? createTlsServer(options.tls, listener) : createServer(listener);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  boundPort = port;
  return {
    url: `${options.tls ? 'https' : 'http'}://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
