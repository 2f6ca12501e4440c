/**
 * The HTTP client every git request goes through: node:http(s) with keep-alive and an explicit timeout on each
 * request. isomorphic-git's own node client waits on a silent server for as long as the OS lets it; a Lambda cannot.
 */
import http from 'node:http';
import https from 'node:https';
import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 8 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 8 }),
};

/** Raised when a request gets no answer (or goes silent) for longer than the timeout. */
export class GitTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
}

async function collect(body: GitHttpRequest['body']): Promise<Buffer | undefined> {
  if (!body) return undefined;
  const chunks: Uint8Array[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function send(url: URL, method: string, headers: Record<string, string>, body: Buffer | undefined, timeoutMs: number) {
  return new Promise<http.IncomingMessage>((resolve, reject) => {
    const lib = url.protocol === 'https:' ? https : http;
    const agent = agents[url.protocol as keyof typeof agents];
    const req = lib.request(url, { method, headers, agent, timeout: timeoutMs }, resolve);
    // The socket timeout covers connect and silence mid-stream; the deadline covers a server that trickles bytes
    // without ever sending response headers.
    const deadline = setTimeout(() => req.destroy(timeout(url, timeoutMs)), timeoutMs);
    req.on('response', () => clearTimeout(deadline));
    req.on('timeout', () => req.destroy(timeout(url, timeoutMs)));
    req.on('error', (err) => {
      clearTimeout(deadline);
      reject(
        req.reusedSocket && (err as NodeJS.ErrnoException).code === 'ECONNRESET'
          ? new StaleSocketError(err.message)
          : err,
      );
    });
    req.end(body);
  });
}

/** A kept-alive socket the server had closed (e.g. while a Lambda was frozen); the request never reached it. */
class StaleSocketError extends Error {}

const timeout = (url: URL, ms: number) => new GitTimeoutError(`git request to ${url.host} timed out after ${ms} ms`);

/** An isomorphic-git HttpClient whose requests fail after `timeoutMs` without progress. */
export function createHttpClient(timeoutMs: number): HttpClient {
  return {
    async request(request: GitHttpRequest): Promise<GitHttpResponse> {
      const body = await collect(request.body);
      let url = new URL(request.url);
      const method = request.method ?? 'GET';
      const headers = { ...(request.headers ?? {}) };
      if (body) headers['content-length'] = String(body.length);
      for (let redirects = 0; ; redirects++) {
        const res = await send(url, method, headers, body, timeoutMs).catch((err: unknown) => {
          if (err instanceof StaleSocketError) return send(url, method, headers, body, timeoutMs);
          throw err;
        });
        const location = res.headers.location;
        if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && location && redirects < 5) {
          res.resume();
          url = new URL(location, url);
          continue;
        }
        const flat: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = String(v);
        return {
          url: url.toString(),
          method,
          statusCode: res.statusCode ?? 0,
          statusMessage: res.statusMessage ?? '',
          headers: flat,
          body: res[Symbol.asyncIterator]() as AsyncIterableIterator<Uint8Array>,
        };
      }
    },
  };
}

/** Sockets currently tied to a request or an unread response (0 when every response was read to its end). */
export function busySocketCount(): number {
  return Object.values(agents).reduce(
    (n, agent) => n + Object.values(agent.sockets).reduce((m, list) => m + (list?.length ?? 0), 0),
    0,
  );
}
