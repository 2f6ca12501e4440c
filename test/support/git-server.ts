/**
 * A real smart-HTTP git server for tests and the README walk-through: node:http in front of git's own CGI
 * (`git-http-backend`). Each request runs the CGI as an async child process, so the server never blocks the event
 * loop of code under test running in the same process. Push is enabled for every repository (REMOTE_USER is set).
 *
 * CLI: `npx tsx test/support/git-server.ts <dir> [port]` serves the bare repositories under <dir> at
 * http://127.0.0.1:<port>/<repo>.git until Ctrl-C.
 */
import { execFileSync, spawn } from 'node:child_process';
import { applyRequestRules, type ForgeRules, rewriteAdvertisement } from './forge-rules.js';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface GitServer {
  /** Base URL without a trailing slash; a repository `x.git` under the root is `${url}/x.git`. */
  url: string;
  stop(): Promise<void>;
}

let backendPath: string | undefined;
const backend = () =>
  (backendPath ??= `${execFileSync('git', ['--exec-path'], { encoding: 'utf8' }).trim()}/git-http-backend`);

export interface GitServerOptions {
  /** Require these credentials (HTTP basic, or a bearer token); anything else gets 401. */
  auth?: { username: string; password: string } | { bearerToken: string };
  /** false: behave like a server that only speaks protocol v1 (the Git-Protocol header is dropped). */
  protocolV2?: boolean;
  /** Behave like a forge in the ways forge-rules.ts describes. */
  forge?: ForgeRules;
}

/** Starts a git smart-HTTP server over the bare repositories under rootDir; port 0 picks a free one. */
export async function startGitServer(rootDir: string, port = 0, opts: GitServerOptions = {}): Promise<GitServer> {
  const root = resolve(rootDir);
  const sockets = new Set<Socket>();
  const expected =
    opts.auth &&
    ('bearerToken' in opts.auth
      ? `Bearer ${opts.auth.bearerToken}`
      : `Basic ${Buffer.from(`${opts.auth.username}:${opts.auth.password}`).toString('base64')}`);
  const server = createServer((req, res) => {
    if (expected && req.headers.authorization !== expected) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="git"', 'content-type': 'text/plain' });
      res.end('authentication required');
      return;
    }
    const forge = opts.forge ?? {};
    const v2 = opts.protocolV2 !== false && !forge.dulwichStrict;
    if (forge.redirect && redirectLikeForge(req, res, forge.redirect)) return;
    if (!needsRules(req, forge)) {
      serveGit(root, req, res, v2);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => serveWithRules(root, req, res, v2, forge, Buffer.concat(chunks)));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    stop: () =>
      new Promise<void>((ok) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => ok());
      }),
  };
}

/** GitLab's way with URLs without `.git`: a redirect for discovery (or every request), 404 otherwise. */
function redirectLikeForge(req: IncomingMessage, res: ServerResponse, mode: 'discovery' | 'all'): boolean {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const m = /^\/([^/]+?)(\/.*)$/.exec(url.pathname);
  if (!m || m[1]!.endsWith('.git')) return false;
  const target = `/${m[1]}.git${m[2]}${url.search}`;
  if (mode === 'all' || (req.method === 'GET' && m[2] === '/info/refs')) {
    res.writeHead(mode === 'all' ? 307 : 301, { location: target }).end();
  } else {
    res.writeHead(404, { 'content-type': 'text/html' }).end('<html>Not Found</html>');
  }
  return true;
}

function needsRules(req: IncomingMessage, forge: ForgeRules): boolean {
  return (
    Boolean(
      forge.requireMultiAck || forge.ignoreDeepen || forge.notOurRefWhile || forge.dulwichStrict || forge.refDeltaOnly,
    ) &&
    (req.method === 'POST' || (req.url ?? '').includes('/info/refs'))
  );
}

/** The refs a client may want from a server that serves only advertised tips. */
function advertisedTips(root: string, req: IncomingMessage): Set<string> {
  const repoPath = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname).replace(
    /\/git-[a-z-]+$/,
    '',
  );
  const out = execFileSync('git', ['-C', `${root}${repoPath}`, 'for-each-ref', '--format=%(objectname)'], {
    encoding: 'utf8',
  });
  return new Set(out.split('\n').filter(Boolean));
}

function serveWithRules(
  root: string,
  req: IncomingMessage,
  res: ServerResponse,
  v2: boolean,
  forge: ForgeRules,
  body: Buffer,
): void {
  const service = /git-(upload|receive)-pack/.exec(req.url ?? '')?.[0] ?? 'git-upload-pack';
  if (req.method !== 'POST') {
    serveGit(root, req, res, v2, Buffer.alloc(0), (out) => rewriteAdvertisement(out, service, forge));
    return;
  }
  const checked = applyRequestRules(service, body, forge, () => advertisedTips(root, req));
  if (!Buffer.isBuffer(checked)) {
    res.writeHead(checked.status, { 'content-type': checked.contentType }).end(checked.body);
    return;
  }
  serveGit(root, req, res, v2, checked);
}

function serveGit(
  root: string,
  req: IncomingMessage,
  res: ServerResponse,
  v2: boolean,
  body?: Buffer,
  rewrite?: (out: Buffer) => Buffer,
): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    // With REMOTE_USER set, git-http-backend allows receive-pack even without http.receivepack.
    REMOTE_USER: 'porch-test',
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.replace(/^\?/, ''),
    REQUEST_METHOD: req.method ?? 'GET',
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    GIT_PROTOCOL: v2 ? String(req.headers['git-protocol'] ?? '') : '',
    HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
  };
  if (body) env.CONTENT_LENGTH = String(body.length);
  else if (req.headers['content-length']) env.CONTENT_LENGTH = String(req.headers['content-length']);
  const child = spawn(backend(), [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.on('error', (err) => fail(res, 500, `git-http-backend: ${err.message}`));
  if (body) child.stdin.end(body);
  else req.pipe(child.stdin);
  child.stdin.on('error', () => undefined);
  req.on('aborted', () => child.kill());
  relayCgiOutput(child.stdout, res, () => stderr, rewrite);
}

/** Parses the CGI header block off the child's stdout, then streams the body to the response. */
function relayCgiOutput(
  out: NodeJS.ReadableStream,
  res: ServerResponse,
  stderr: () => string,
  rewrite?: (body: Buffer) => Buffer,
): void {
  let head = Buffer.alloc(0);
  let headersDone = false;
  const held: Buffer[] = [];
  const write = (chunk: Buffer) => (rewrite ? held.push(chunk) : res.write(chunk));
  out.on('data', (chunk: Buffer) => {
    if (headersDone) {
      write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = findHeaderEnd(head);
    if (!end) return;
    headersDone = true;
    let status = 200;
    for (const line of head.subarray(0, end.index).toString('latin1').split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200;
      else if (!(rewrite && name.toLowerCase() === 'content-length')) res.setHeader(name, value);
    }
    res.statusCode = status;
    const body = head.subarray(end.index + end.length);
    if (body.length) write(body);
  });
  out.on('end', () => {
    if (!headersDone) fail(res, 500, `git-http-backend gave no headers: ${stderr()}`);
    else res.end(rewrite ? rewrite(Buffer.concat(held)) : undefined);
  });
}

function findHeaderEnd(buf: Buffer): { index: number; length: number } | undefined {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { index: crlf, length: 4 };
  if (lf >= 0) return { index: lf, length: 2 };
  return undefined;
}

function fail(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = status;
  res.setHeader('content-type', 'text/plain');
  res.end(message);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [dir, port] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: npx tsx test/support/git-server.ts <dir with bare repos> [port]');
    process.exit(2);
  }
  const server = await startGitServer(dir, port ? Number(port) : 8081);
  console.log(`git server: ${server.url}/<repo>.git serving ${resolve(dir)} (Ctrl-C to stop)`);
  const stop = () => void server.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
