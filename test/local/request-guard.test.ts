import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalHandlers } from '../../lib/local/handlers.js';
import { startLocalServer, type LocalServer } from '../../lib/local/server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { send } from './http-client.js';

// Without API_TOKEN the local server trusts whoever reaches 127.0.0.1, which includes any web page the user visits
// (directly, or through a DNS name rebound to 127.0.0.1). A cross-site form post must not create anything.
const repos = '/apis/config.porch.kpt.dev/v1alpha1/namespaces/ns1/repositories';
const repository = JSON.stringify({
  apiVersion: 'config.porch.kpt.dev/v1alpha1',
  kind: 'Repository',
  metadata: { name: 'evil' },
  spec: { git: { repo: 'http://h/r.git' } },
});
let tdb: TestDatabase;
let server: LocalServer;

beforeAll(async () => {
  tdb = await createTestDatabase();
  const handlers = createLocalHandlers({
    database: async () => tdb.db,
    log: () => undefined,
    maxBodyBytes: 4096,
    requestSync: async () => undefined,
  });
  server = await startLocalServer({ port: 0, handlers, user: 'carol', maxBodyBytes: 4096, log: () => undefined });
});
afterAll(async () => {
  await server?.close();
  await tdb?.drop();
});

const count = async () => (await tdb.db.query('select count(*)::int as n from repositories')).rows[0].n;

describe('local server without a token', () => {
  it('refuses a text/plain POST with a foreign Origin and a rebound Host, creating nothing', async () => {
    const res = await send(`${server.url}${repos}`, {
      method: 'POST',
      headers: {
        host: `attacker.example:${server.port}`,
        origin: 'http://attacker.example',
        'content-type': 'text/plain',
      },
      body: repository,
    });
    expect(res.status).toBe(403);
    expect(res.json.kind).toBe('Status');
    expect(await count()).toBe(0);
  });

  it.each(['attacker.example', '127.0.0.1.attacker.example', 'localhost.', '10.0.0.1'])(
    'refuses Host %j',
    async (host) => {
      const res = await send(`${server.url}${repos}`, { headers: { host } });
      expect(res.status).toBe(403);
    },
  );

  it.each(['localhost', '127.0.0.1', '[::1]'])('serves Host %s with and without the port', async (name) => {
    expect((await send(`${server.url}${repos}`, { headers: { host: name } })).status).toBe(200);
    expect((await send(`${server.url}${repos}`, { headers: { host: `${name}:${server.port}` } })).status).toBe(200);
  });

  it.each(['http://attacker.example', 'null', 'http://localhost:1', 'file://'])(
    'refuses Origin %j (403)',
    async (origin) => {
      const res = await send(`${server.url}${repos}`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        body: repository,
      });
      expect(res.status).toBe(403);
      expect(await count()).toBe(0);
    },
  );

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', ''])(
    'refuses a write body of type %j (415)',
    async (type) => {
      const headers: Record<string, string> = type ? { 'content-type': type } : {};
      const res = await send(`${server.url}${repos}`, { method: 'POST', headers, body: repository });
      expect(res.status).toBe(415);
      expect(await count()).toBe(0);
    },
  );

  it('serves a same-origin JSON write', async () => {
    const res = await send(`${server.url}${repos}`, {
      method: 'POST',
      headers: { origin: server.url, 'content-type': 'application/json' },
      body: repository,
    });
    expect(res.status).toBe(201);
    expect(await count()).toBe(1);
  });
});

describe('local server with a token file', () => {
  it('checks the token instead of the Host: a request with a valid token is served', async () => {
    const handlers = createLocalHandlers({
      database: async () => tdb.db,
      log: () => undefined,
      maxBodyBytes: 4096,
      requestSync: async () => undefined,
    });
    const tokens = [{ token: 'dave-token', identity: { user: 'dave', groups: ['system:masters'] } }];
    const withTokens = await startLocalServer({
      port: 0,
      handlers,
      user: 'carol',
      tokens,
      maxBodyBytes: 4096,
      log: () => undefined,
    });
    try {
      const headers = { host: `porch.example:${withTokens.port}`, origin: 'http://porch.example' };
      const noToken = await send(`${withTokens.url}${repos}`, { headers });
      expect(noToken.status).toBe(401);
      const res = await send(`${withTokens.url}${repos}`, {
        headers: { ...headers, authorization: 'Bearer dave-token' },
      });
      expect(res.status).toBe(200);
      expect(res.json.kind).toBe('RepositoryList');
    } finally {
      await withTokens.close();
    }
  });
});
