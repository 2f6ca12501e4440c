/**
 * The outbound policy (issue 12 item 1): non-public destinations are refused before any connection, in every
 * spelling of an address; redirects are checked hop by hop and lose credentials when the origin changes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../lib/config.js';
import { GitRefusedError } from '../../lib/git/errors.js';
import { createHttpClient, nextHop } from '../../lib/git/http-client.js';
import { listRemoteRefs } from '../../lib/git/list-remote-refs.js';
import { refusalReason } from '../../lib/git/outbound-policy.js';
import { createFixtureRepo } from '../support/git-fixtures.js';
import { startGitServer } from '../support/git-server.js';
import { LOOPBACK_ONLY, NOTHING_ALLOWED, testSettings } from '../support/git-transport.js';

/** Records every request; answers a redirect to `redirectTo` when set, else 404. */
let target: Server;
let targetPort: number;
const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
let redirectTo: string | undefined;

beforeAll(async () => {
  target = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    if (redirectTo) res.writeHead(302, { location: redirectTo }).end();
    else res.writeHead(404).end();
  });
  await new Promise<void>((ok) => target.listen(0, '127.0.0.1', ok));
  targetPort = (target.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((ok) => target.close(() => ok())));

const remote = (url: string, allowed = NOTHING_ALLOWED) => ({
  url,
  branch: 'main',
  directory: '',
  timeoutMs: 2000,
  allowedNetworks: allowed,
});

describe('addresses', () => {
  it('refuses loopback in every spelling, and never reaches the server', async () => {
    const before = seen.length;
    for (const host of [
      '127.0.0.1',
      'localhost',
      '2130706433',
      '0x7f000001',
      '0177.0.0.1',
      '127.1',
      '[::ffff:127.0.0.1]',
    ]) {
      const err = await listRemoteRefs(remote(`http://${host}:${targetPort}/x.git`)).catch((e: unknown) => e);
      expect(err, host).toBeInstanceOf(GitRefusedError);
      expect((err as GitRefusedError).code, host).toBe(422);
      expect((err as Error).message, host).toMatch(/loopback address, which GIT_ALLOWED_NETWORKS does not allow/);
    }
    expect(seen.length).toBe(before);
  });

  it('classifies private, link-local, multicast and unspecified addresses; link-local is never allowed', () => {
    const all = parseConfig({ GIT_ALLOWED_NETWORKS: '0.0.0.0/0,::/0' }).gitAllowedNetworks;
    for (const ip of [
      '10.0.0.1',
      '172.16.3.4',
      '192.168.1.1',
      '100.64.0.1',
      '224.0.0.1',
      '0.0.0.0',
      'fc00::1',
      '::',
      '::1',
    ]) {
      expect(refusalReason(ip, ip, NOTHING_ALLOWED), ip).toBeDefined();
      expect(refusalReason(ip, ip, all), ip).toBeUndefined();
    }
    for (const ip of ['169.254.169.254', 'fe80::1', '::ffff:169.254.169.254', 'fd00:ec2::254']) {
      expect(refusalReason(ip, ip, all), ip).toMatch(/link-local/);
    }
    expect(refusalReason('140.82.112.3', 'github.com', NOTHING_ALLOWED)).toBeUndefined();
    expect(refusalReason('2606:50c0:8000::153', 'github.com', NOTHING_ALLOWED)).toBeUndefined();
  });

  it('allows what GIT_ALLOWED_NETWORKS lists: CIDRs, addresses, host names and *.domains', () => {
    const allowed = parseConfig({
      GIT_ALLOWED_NETWORKS: '10.1.0.0/16 192.168.7.7, git.corp.example,*.lab.example',
    }).gitAllowedNetworks;
    expect(refusalReason('10.1.2.3', 'x', allowed)).toBeUndefined();
    expect(refusalReason('10.2.0.1', 'x', allowed)).toBeDefined();
    expect(refusalReason('192.168.7.7', 'x', allowed)).toBeUndefined();
    expect(refusalReason('10.9.9.9', 'git.corp.example', allowed)).toBeUndefined();
    expect(refusalReason('10.9.9.9', 'a.lab.example', allowed)).toBeUndefined();
    expect(refusalReason('10.9.9.9', 'lab.example.evil', allowed)).toBeDefined();
    expect(() => parseConfig({ GIT_ALLOWED_NETWORKS: '10.0.0.0/99' })).toThrow(ConfigError);
    expect(() => parseConfig({ GIT_ALLOWED_NETWORKS: 'http://x' })).toThrow(ConfigError);
  });

  it('defaults: nothing in Lambda, loopback elsewhere (npm start)', () => {
    const lambda = parseConfig({ AWS_LAMBDA_FUNCTION_NAME: 'porch-sync' }).gitAllowedNetworks;
    expect(refusalReason('127.0.0.1', 'localhost', lambda)).toBeDefined();
    const local = parseConfig({}).gitAllowedNetworks;
    expect(refusalReason('127.0.0.1', 'localhost', local)).toBeUndefined();
    expect(refusalReason('10.0.0.1', '10.0.0.1', local)).toBeDefined();
  });
});

describe('redirects', () => {
  const get = (url: string, headers: Record<string, string> = {}) =>
    createHttpClient(testSettings({ allowed: LOOPBACK_ONLY })).request({
      url,
      method: 'GET',
      headers,
      step: 'ref discovery',
      maxBytes: 1024,
    });

  it('are checked hop by hop: a redirect to the metadata address is refused before connecting', async () => {
    redirectTo = 'http://169.254.169.254/latest/meta-data/iam/security-credentials/role';
    try {
      const err = await get(`http://127.0.0.1:${targetPort}/r.git/info/refs`).catch((e: unknown) => e);
      expect((err as { code?: string }).code).toBe('policy');
      expect((err as Error).message).toMatch(/link-local address, which is never allowed/);
    } finally {
      redirectTo = undefined;
    }
  });

  it('drop the credentials when the origin changes', async () => {
    const other = createServer((req, res) => {
      seen.push({ url: `other${req.url}`, headers: req.headers });
      res.writeHead(404).end();
    });
    await new Promise<void>((ok) => other.listen(0, '127.0.0.1', ok));
    seen.length = 0;
    redirectTo = `http://127.0.0.1:${(other.address() as AddressInfo).port}/elsewhere`;
    try {
      const res = await get(`http://127.0.0.1:${targetPort}/r.git/info/refs`, { authorization: 'Basic c2VjcmV0' });
      res.discard();
      const first = seen.find((s) => s.url === '/r.git/info/refs');
      const second = seen.find((s) => s.url === 'other/elsewhere');
      expect(first?.headers.authorization).toBe('Basic c2VjcmV0');
      expect(second).toBeDefined();
      expect(second?.headers.authorization).toBeUndefined();
    } finally {
      redirectTo = undefined;
      await new Promise<void>((ok) => other.close(() => ok()));
    }
  });

  it('of ref discovery to another origin move the conversation there without the credentials', async () => {
    const root = await mkdtemp(join(tmpdir(), 'porch-policy-'));
    const creds = { username: 'porch', password: 's3cret' };
    const other = await startGitServer(root, 0, { auth: creds });
    try {
      await createFixtureRepo(root, 'r');
      redirectTo = `${other.url}/r.git/info/refs?service=git-upload-pack`;
      const err = await listRemoteRefs({
        ...remote(`http://127.0.0.1:${targetPort}/r.git`, LOOPBACK_ONLY),
        auth: creds,
      })
        .then(() => undefined)
        .catch((e: unknown) => e);
      // The other origin asks for credentials it was never given; the same URL without the detour works.
      expect((err as Error)?.message).toBe(`git: credentials refused by ${other.url}/r.git (HTTP 401)`);
      const direct = await listRemoteRefs({ ...remote(`${other.url}/r.git`, LOOPBACK_ONLY), auth: creds });
      expect(Object.keys(direct)).toEqual(['refs/heads/main']);
    } finally {
      redirectTo = undefined;
      await other.stop();
      await rm(root, { recursive: true, force: true });
    }
  });

  it('are bounded in number', async () => {
    redirectTo = '/again';
    try {
      const err = await get(`http://127.0.0.1:${targetPort}/loop`).catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/more than 5 redirects/);
    } finally {
      redirectTo = undefined;
    }
  });

  it('never step down from https to http', () => {
    expect(() => nextHop(new URL('https://git.example/r.git/info/refs'), 'http://git.example/r.git/info/refs')).toThrow(
      /from https to http:, which is refused/,
    );
    expect(nextHop(new URL('http://git.example/r'), 'https://git.example/r.git').href).toBe(
      'https://git.example/r.git',
    );
  });
});
