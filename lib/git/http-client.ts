/**
 * The HTTP client every git request goes through (docs/git-transport.md): each hop of a request passes the outbound
 * policy and connects to the address that was checked; redirects are bounded, never go from https to http and lose
 * the credentials when the origin changes; one deadline covers the whole operation (connect, headers, every body
 * byte) and a silence timeout covers each wait; every body is capped in bytes where it is read.
 */
import http from 'node:http';
import https from 'node:https';
import type { AllowedNetworks, GitLimits } from '../config.js';
import { GitError, redact } from './errors.js';
import { checkDestination } from './outbound-policy.js';

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 8 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 8 }),
};

const MAX_REDIRECTS = 5;

/** What one git operation may do on the network. */
export interface TransportSettings {
  /** Longest silence (connect, first byte, between bytes), in milliseconds. */
  timeoutMs: number;
  limits: GitLimits;
  allowed: AllowedNetworks;
}

export interface GitRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: Buffer;
  /** What the request is for, as our messages name it (`ref discovery`, `fetch` …). */
  step: string;
  /** Most body bytes accepted from the response. */
  maxBytes: number;
}

export interface GitResponse {
  /** The URL that answered, after redirects. */
  url: string;
  status: number;
  contentType: string;
  body: AsyncIterator<Buffer>;
  /** Drops the response without reading it (its socket is closed, not reused). */
  discard(): void;
}

export interface GitHttp {
  request(req: GitRequest): Promise<GitResponse>;
}

/** A kept-alive socket the server had closed (e.g. while a Lambda was frozen); the request never reached it. */
class StaleSocketError extends Error {}

interface Exchange {
  res: http.IncomingMessage;
  /** The failure our timers caused, if any: it replaces the socket error it provokes. */
  failure(): GitError | undefined;
  finish(): void;
}

async function send(url: URL, req: GitRequest, headers: Record<string, string>, op: Operation): Promise<Exchange> {
  const remaining = op.expiresAt - Date.now();
  if (remaining <= 0) throw op.deadlineError(url);
  const { lookup } = await op.check(url);
  return new Promise<Exchange>((resolve, reject) => {
    const lib = url.protocol === 'https:' ? https : http;
    const agent = agents[url.protocol as keyof typeof agents];
    let failure: GitError | undefined;
    const stop = (err: GitError) => {
      failure ??= err;
      request.destroy(err);
    };
    const deadline = setTimeout(() => stop(op.deadlineError(url)), remaining);
    const finish = () => clearTimeout(deadline);
    const request = lib.request(url, { method: req.method, headers, agent, timeout: op.settings.timeoutMs, lookup });
    request.on('response', (res) => resolve({ res, failure: () => failure, finish }));
    request.on('timeout', () =>
      stop(new GitError('timeout', `git request to ${url.host} timed out after ${op.settings.timeoutMs} ms`)),
    );
    request.on('error', (err) => {
      finish();
      if (failure) reject(failure);
      else if (request.reusedSocket && (err as NodeJS.ErrnoException).code === 'ECONNRESET') {
        reject(new StaleSocketError(err.message));
      } else reject(err);
    });
    request.end(req.body);
  });
}

/** Streams a response body, stopping it at `maxBytes` and turning a timer's socket error into the timer's error. */
async function* bodyOf(ex: Exchange, req: GitRequest, where: string): AsyncGenerator<Buffer> {
  let total = 0;
  try {
    for await (const chunk of ex.res as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > req.maxBytes) {
        throw new GitError('too-large', `git: ${where} sent more than ${req.maxBytes} bytes in ${req.step}`);
      }
      yield chunk;
    }
  } catch (err) {
    throw ex.failure() ?? err;
  } finally {
    ex.finish();
    if (!ex.res.complete) ex.res.destroy();
  }
}

class Operation {
  readonly expiresAt: number;

  constructor(readonly settings: TransportSettings) {
    this.expiresAt = Date.now() + settings.limits.deadlineMs;
  }

  check(url: URL) {
    return checkDestination(url, this.settings.allowed);
  }

  deadlineError(url: URL) {
    return new GitError(
      'timeout',
      `git operation with ${url.host} timed out: not finished within ${this.settings.limits.deadlineMs} ms`,
    );
  }
}

/** Where a redirect leads; refuses a step down from https (the credentials and the content would travel in clear). */
export function nextHop(from: URL, location: string): URL {
  let to: URL;
  try {
    to = new URL(location, from);
  } catch {
    throw new GitError('protocol', `git: ${from.host} redirected to an invalid URL`);
  }
  if (from.protocol === 'https:' && to.protocol !== 'https:') {
    throw new GitError('policy', `git: ${from.host} redirected from https to ${to.protocol}, which is refused`);
  }
  return to;
}

/** A client for one git operation: its deadline starts now. */
export function createHttpClient(settings: TransportSettings): GitHttp {
  const op = new Operation(settings);
  return {
    async request(req: GitRequest): Promise<GitResponse> {
      let url = new URL(req.url);
      const origin = url.origin;
      const headers = { ...req.headers };
      if (req.body) headers['content-length'] = String(req.body.length);
      for (let hops = 0; ; hops++) {
        const ex = await send(url, req, headers, op).catch((err: unknown) => {
          if (err instanceof StaleSocketError) return send(url, req, headers, op);
          throw err;
        });
        const status = ex.res.statusCode ?? 0;
        const location = ex.res.headers.location;
        if (status >= 300 && status < 400 && location) {
          ex.finish();
          ex.res.destroy();
          if (hops >= MAX_REDIRECTS)
            throw new GitError('protocol', `git: more than ${MAX_REDIRECTS} redirects from ${origin}`);
          url = nextHop(url, location);
          // Credentials were given for the origin the caller named, not for wherever it points.
          if (url.origin !== origin) {
            delete headers.authorization;
            delete headers.cookie;
          }
          continue;
        }
        const body = bodyOf(ex, req, redact(url.toString()));
        return {
          url: url.toString(),
          status,
          contentType: String(ex.res.headers['content-type'] ?? ''),
          body,
          discard: () => {
            ex.finish();
            ex.res.destroy();
          },
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
