import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogLine } from '../../lib/http/request-log.js';
import { createLocalHandlers } from '../../lib/local/handlers.js';
import { createSelfSignedCertificate } from '../../lib/local/self-signed.js';
import { startLocalServer, type LocalServer } from '../../lib/local/server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { send } from './http-client.js';

const repos = '/apis/config.porch.kpt.dev/v1alpha1/namespaces/ns1/repositories';
let tdb: TestDatabase;
let plain: LocalServer;
let secure: LocalServer;
const logs: LogLine[] = [];
const syncs: string[] = [];
const tls = createSelfSignedCertificate();

beforeAll(async () => {
  tdb = await createTestDatabase();
  const handlers = createLocalHandlers({
    database: async () => tdb.db,
    log: (line) => logs.push(line),
    maxBodyBytes: 4096,
    requestSync: async (ns, name) => void syncs.push(`${ns}/${name}`),
  });
  const common = { port: 0, handlers, user: 'carol', maxBodyBytes: 4096, log: (line: LogLine) => logs.push(line) };
  plain = await startLocalServer(common);
  secure = await startLocalServer({ ...common, apiToken: 's3cret', tls });
});
afterAll(async () => {
  await plain?.close();
  await secure?.close();
  await tdb?.drop();
});

describe('local server over HTTP', () => {
  it('serves the API through the Lambda handlers on 127.0.0.1', async () => {
    expect(plain.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await send(`${plain.url}/healthz`)).json).toEqual({ status: 'ok' });
    const yaml =
      'apiVersion: config.porch.kpt.dev/v1alpha1\nkind: Repository\nmetadata: {name: local}\nspec: {git: {repo: "http://h/r.git"}}\n';
    const created = await send(`${plain.url}${repos}`, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml' },
      body: yaml,
    });
    expect(created.status).toBe(201);
    expect(created.headers['content-type']).toBe('application/json');
    expect(syncs).toContain('ns1/local');
    const list = await send(`${plain.url}${repos}?limit=10`);
    expect(list.json.items.map((i: any) => i.metadata.name)).toEqual(['local']);
    const { rows } = await tdb.db.query('select updated_by from repositories');
    expect(rows[0].updated_by).toBe('carol');
  });

  it('answers unknown paths 404, wrong verbs 405, oversized bodies 413 and bad JSON 400, as Status objects', async () => {
    const notFound = await send(`${plain.url}/apis/nope`);
    expect(notFound).toMatchObject({
      status: 404,
      json: { kind: 'Status', code: 404, message: 'the server could not find the requested resource' },
    });
    // The discovery function answered (its x-request-id), through the catch-all route as API Gateway's $default.
    expect(notFound.headers['x-request-id']).toBeTruthy();
    const wrongVerb = await send(`${plain.url}/healthz`, { method: 'DELETE' });
    expect(wrongVerb).toMatchObject({
      status: 405,
      json: { reason: 'MethodNotAllowed', message: 'DELETE is not supported on /healthz' },
    });
    const big = await send(`${plain.url}${repos}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pad: 'x'.repeat(5000) }),
    });
    expect(big).toMatchObject({ status: 413, json: { reason: 'RequestEntityTooLarge' } });
    const bad = await send(`${plain.url}${repos}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":',
    });
    expect(bad).toMatchObject({ status: 400, json: { reason: 'BadRequest' } });
    expect((await tdb.db.query('select count(*)::int as n from repositories')).rows[0].n).toBe(1);
  });

  it('writes one structured log line per request', async () => {
    logs.length = 0;
    await send(`${plain.url}/version`);
    await send(`${plain.url}/nope`);
    expect(logs).toHaveLength(2);
    expect(logs[0]).toMatchObject({ msg: 'request', method: 'GET', path: '/version', status: 200 });
    expect(logs[1]).toMatchObject({ msg: 'request', path: '/nope', status: 404, routeKey: '$default' });
  });
});

describe('local server with API_TOKEN over HTTPS', () => {
  it('requires the bearer token everywhere but /healthz', async () => {
    expect(secure.url).toMatch(/^https:/);
    expect((await send(`${secure.url}/healthz`, { ca: tls.cert })).status).toBe(200);
    const anonymous = await send(`${secure.url}/apis`, { ca: tls.cert });
    expect(anonymous).toMatchObject({ status: 401, json: { kind: 'Status', reason: 'Unauthorized' } });
    const wrong = await send(`${secure.url}/apis`, { ca: tls.cert, headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const right = await send(`${secure.url}/apis`, { ca: tls.cert, headers: { authorization: 'Bearer s3cret' } });
    expect(right.json.kind).toBe('APIGroupList');
    // Unknown paths too, as the authorizer guards API Gateway's $default route: no probing without the token.
    expect((await send(`${secure.url}/nope`, { ca: tls.cert })).status).toBe(401);
    expect((await send(`${secure.url}/healthz`, { ca: tls.cert, method: 'DELETE' })).status).toBe(401);
    expect(
      (await send(`${secure.url}/nope`, { ca: tls.cert, headers: { authorization: 'Bearer s3cret' } })).status,
    ).toBe(404);
  });
});
