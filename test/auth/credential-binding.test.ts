import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { urlUnderPrefix } from '../../lib/git/credential-scope.js';
import { createAccess } from '../../lib/api/rbac/access.js';
import { createHttpHandler } from '../../lib/http/handler.js';
import { createRepositoryOperations } from '../../lib/api/repositories/operations.js';
import { insertRepository } from '../../lib/storage/repositories.js';
import { syncRepository } from '../../lib/sync/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createFixtureRepo } from '../support/git-fixtures.js';
import { startGitServer, type GitServer } from '../support/git-server.js';
import { httpEvent, jsonBody } from '../support/http-events.js';

/** A server on 127.0.0.1 that records each request's Authorization header and forwards it to the forge. */
async function recordingProxy(target: string) {
  const seen: (string | undefined)[] = [];
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    seen.push(req.headers.authorization);
    const out = request(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(out);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

describe('urlUnderPrefix', () => {
  it('matches scheme, host and port exactly and paths at a / boundary', () => {
    const prefix = 'https://git.example.test/acme';
    expect(urlUnderPrefix('https://git.example.test/acme/app.git', prefix)).toBe(true);
    expect(urlUnderPrefix('https://git.example.test/acme', prefix)).toBe(true);
    expect(urlUnderPrefix('https://git.example.test/acme-evil/app.git', prefix)).toBe(false);
    expect(urlUnderPrefix('https://git.example.test.evil.test/acme/app.git', prefix)).toBe(false);
    expect(urlUnderPrefix('http://git.example.test/acme/app.git', prefix)).toBe(false);
    expect(urlUnderPrefix('https://git.example.test:8443/acme/app.git', prefix)).toBe(false);
    expect(urlUnderPrefix('https://x@git.example.test/acme/app.git', prefix)).toBe(false);
  });
});

describe('a credential bound to a URL prefix', () => {
  let tdb: TestDatabase;
  let root: string;
  let forge: GitServer;
  let allowed: Awaited<ReturnType<typeof recordingProxy>>;
  let other: Awaited<ReturnType<typeof recordingProxy>>;

  beforeAll(async () => {
    tdb = await createTestDatabase();
    root = await mkdtemp(join(tmpdir(), 'porch-cred-scope-'));
    const repo = await createFixtureRepo(root, 'blueprints');
    await repo.writePackage('net');
    await repo.commit('net');
    await repo.work('push', '--quiet', repo.bareDir, 'main');
    forge = await startGitServer(root, 0, { auth: { username: 'team-a', password: 's3cret' } });
    allowed = await recordingProxy(forge.url);
    other = await recordingProxy(forge.url);
    const file = join(root, 'credentials.json');
    await writeFile(
      file,
      JSON.stringify({ 'team-a/github': { username: 'team-a', password: 's3cret', urlPrefixes: [`${allowed.url}/`] } }),
    );
    process.env.GIT_CREDENTIALS_FILE = file;
    for (const [name, base] of [
      ['good', allowed.url],
      ['elsewhere', other.url],
    ]) {
      const url = `${base}/blueprints.git`;
      await insertRepository(tdb.db, {
        namespace: 'team-a',
        name: name!,
        repoUrl: url,
        branch: 'main',
        directory: '',
        spec: { type: 'git', git: { repo: url, branch: 'main', directory: '', secretRef: { name: 'github' } } },
        updatedBy: 'test',
      });
    }
  });
  afterAll(async () => {
    delete process.env.GIT_CREDENTIALS_FILE;
    await allowed?.close();
    await other?.close();
    await forge?.stop();
    await tdb?.drop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('is sent to a URL under its prefix', async () => {
    const result = await syncRepository(tdb.db, 'team-a', 'good');
    expect(result).toMatchObject({ ran: true, state: 'Ready' });
    expect(allowed.seen).toContain(`Basic ${Buffer.from('team-a:s3cret').toString('base64')}`);
  });

  it('is never sent anywhere else, and the Repository status says why', async () => {
    const result = await syncRepository(tdb.db, 'team-a', 'elsewhere');
    expect(result).toMatchObject({ ran: true, state: 'Error' });
    expect(other.seen.filter((h) => h !== undefined)).toEqual([]);
    const handler = createHttpHandler(
      createRepositoryOperations({ requestSync: async () => undefined }),
      createAccess,
      {
        database: async () => tdb.db,
        log: () => undefined,
      },
    );
    const res = await handler(
      httpEvent('GET', '/apis/config.porch.kpt.dev/v1alpha1/namespaces/team-a/repositories/elsewhere'),
    );
    const ready = jsonBody(res).status.conditions.find((c: { type: string }) => c.type === 'Ready');
    expect(ready).toMatchObject({ status: 'False' });
    expect(ready.message).toContain(
      `git credentials "team-a/github" may be sent only to URLs under ${allowed.url}/; refusing to send them to ${other.url}/blueprints.git`,
    );
  });
});
