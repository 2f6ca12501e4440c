import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnavailableError } from '../../lib/errors.js';
import { discoverRevisions } from '../../lib/git/discover-revisions.js';
import { gitFailureOf } from '../../lib/git/errors.js';
import { listRemoteRefs } from '../../lib/git/list-remote-refs.js';
import { publishRevision } from '../../lib/git/publish-revision.js';
import { resolveGitAuth } from '../../lib/git/resolve-auth.js';
import type { RemoteSpec } from '../../lib/git/types.js';
import { createFixtureRepo, kptfile, lsRemote, type FixtureRepo } from '../support/git-fixtures.js';
import { startGitServer, type GitServer } from '../support/git-server.js';

let root: string;
let server: GitServer;
let repo: FixtureRepo;
let silent: Server;
let silentPort: number;
const creds = { username: 'porch', password: 's3cret' };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'porch-git-errors-'));
  server = await startGitServer(root, 0, { auth: creds });
  repo = await createFixtureRepo(root, 'private');
  await repo.writePackage('p');
  await repo.commit('p');
  await repo.tag('p/v1');
  await repo.push();
  // Accepts connections and never answers: the case isomorphic-git's own client waits on.
  silent = createServer(() => undefined);
  await new Promise<void>((ok) => silent.listen(0, '127.0.0.1', ok));
  silentPort = (silent.address() as { port: number }).port;
});

afterAll(async () => {
  await server.stop();
  silent.close();
  await rm(root, { recursive: true, force: true });
});

const spec = (url: string, extra: Partial<RemoteSpec> = {}): RemoteSpec => ({
  url,
  branch: 'main',
  directory: '',
  timeoutMs: 5000,
  ...extra,
});

describe('remote failures', () => {
  it('a server that is down gives UnavailableError at once', async () => {
    const closed = createServer();
    await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((ok) => closed.close(() => ok()));
    const started = Date.now();
    const err = await listRemoteRefs(spec(`http://127.0.0.1:${port}/x.git`)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnavailableError);
    expect((err as Error).message).toMatch(/cannot reach .*ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(2000);
    const publish = publishRevision(spec(`http://127.0.0.1:${port}/x.git`), {
      packagePath: 'p',
      workspace: 'w',
      revision: 2,
      files: { Kptfile: kptfile('p') },
    });
    await expect(publish).rejects.toBeInstanceOf(UnavailableError);
  });

  it('a silent server times out after the configured timeout', async () => {
    const started = Date.now();
    const err = await listRemoteRefs(spec(`http://127.0.0.1:${silentPort}/x.git`, { timeoutMs: 300 })).catch(
      (e: unknown) => e,
    );
    const elapsed = Date.now() - started;
    expect(err).toBeInstanceOf(UnavailableError);
    expect((err as Error).message).toMatch(/timed out after 300 ms/);
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(3000);
  });

  it('missing or wrong credentials are a 422 saying the credentials were refused, with the sync retry code', async () => {
    const url = `${server.url}/private.git`;
    for (const auth of [undefined, { username: 'porch', password: 'wrong' }]) {
      const err = await listRemoteRefs(spec(url, { auth })).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 422, reason: 'Invalid' });
      expect(gitFailureOf(err)).toBe('auth');
      expect((err as Error).message).toBe(`git: credentials refused by ${url} (HTTP 401)`);
    }
    const fetchErr = await discoverRevisions(spec(url), { 'refs/tags/p/v1': '0'.repeat(40) }).catch((e: unknown) => e);
    expect((fetchErr as Error).message).toMatch(/credentials refused/);
  });

  it('credentials from GIT_CREDENTIALS_FILE reach a private repository', async () => {
    const file = join(root, 'creds.json');
    await writeFile(file, JSON.stringify({ 'team-a/git-creds': creds }));
    const auth = await resolveGitAuth({ name: 'git-creds' }, 'team-a', { settings: { gitCredentialsFile: file } });
    expect(auth).toEqual(creds);
    const remote = spec(`${server.url}/private.git`, { auth });
    const refs = await listRemoteRefs(remote);
    const cli = await lsRemote(root, repo.bareDir);
    expect(refs['refs/tags/p/v1']).toBe(cli['refs/tags/p/v1']);
    const { revisions } = await discoverRevisions(remote, refs);
    expect(revisions.map((r) => `${r.packagePath}#${r.revision}`).sort()).toEqual(['p#-1', 'p#1']);
    const published = await publishRevision(remote, {
      packagePath: 'p',
      workspace: 'w2',
      revision: 2,
      files: { Kptfile: kptfile('p') },
    });
    expect(await repo.bare('rev-parse', 'refs/tags/p/v2')).toBe(published.commit);
  });
});

describe('protocol v1 servers', () => {
  it('list refs, discover and publish the same way', async () => {
    const v1 = await startGitServer(root, 0, { protocolV2: false });
    try {
      const other = await createFixtureRepo(root, 'v1only');
      await other.writePackage('p');
      await other.commit('p');
      await other.tag('p/v1', { message: 'annotated' });
      await other.push();
      const remote = spec(`${v1.url}/v1only.git`);
      const refs = await listRemoteRefs(remote);
      const cli = await lsRemote(root, other.bareDir);
      expect(refs).toEqual({ 'refs/heads/main': cli['refs/heads/main'], 'refs/tags/p/v1': cli['refs/tags/p/v1^{}'] });
      const { revisions } = await discoverRevisions(remote, refs);
      expect(revisions.map((r) => `${r.packagePath}#${r.revision}`).sort()).toEqual(['p#-1', 'p#1']);
      const published = await publishRevision(remote, {
        packagePath: 'p',
        workspace: 'w2',
        revision: 2,
        files: { Kptfile: kptfile('p') },
      });
      expect(await other.bare('rev-parse', 'refs/tags/p/v2')).toBe(published.commit);
    } finally {
      await v1.stop();
    }
  });
});
