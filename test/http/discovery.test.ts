import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations as discoveryOperations } from '../../functions/discovery.js';
import { createAccess } from '../../lib/api/rbac/access.js';
import { createHttpHandler, type HttpHandler } from '../../lib/http/handler.js';
import { routes } from '../../lib/http/routes.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { httpEvent, jsonBody } from '../support/http-events.js';

let tdb: TestDatabase;
let handler: HttpHandler;
const get = async (path: string) => {
  const res = await handler(httpEvent('GET', path));
  return { status: res.statusCode, body: jsonBody(res) };
};

beforeAll(async () => {
  tdb = await createTestDatabase({ migrate: false });
  handler = createHttpHandler(discoveryOperations, createAccess, {
    database: async () => tdb.db,
    log: () => undefined,
  });
});
afterAll(async () => tdb?.drop());

describe('discovery', () => {
  it("answers API Gateway's $default route with a Kubernetes Status: 405 on a served path, 404 elsewhere", async () => {
    const unknown = await handler(httpEvent('POST', '/apis/nope', { routeKey: '$default', body: { any: 'thing' } }));
    expect(unknown.statusCode).toBe(404);
    expect(jsonBody(unknown)).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: 'the server could not find the requested resource',
    });
    const wrongVerb = await handler(httpEvent('DELETE', '/apis/porch.kpt.dev/v1alpha1', { routeKey: '$default' }));
    expect(wrongVerb.statusCode).toBe(405);
    expect(jsonBody(wrongVerb)).toMatchObject({
      reason: 'MethodNotAllowed',
      message: 'DELETE is not supported on /apis/porch.kpt.dev/v1alpha1',
    });
  });

  it('lists both Porch groups and the RBAC group', async () => {
    const { body } = await get('/apis');
    expect(body.kind).toBe('APIGroupList');
    expect(body.groups.map((g: any) => g.preferredVersion.groupVersion)).toEqual([
      'porch.kpt.dev/v1alpha1',
      'config.porch.kpt.dev/v1alpha1',
      'rbac.authorization.k8s.io/v1',
    ]);
    expect((await get('/api')).body).toMatchObject({ kind: 'APIVersions', versions: [] });
    expect((await get('/version')).body.major).toBe('1');
  });

  it('lists each group resources with the verbs the route table serves', async () => {
    const porch = (await get('/apis/porch.kpt.dev/v1alpha1')).body;
    expect(porch).toMatchObject({ kind: 'APIResourceList', groupVersion: 'porch.kpt.dev/v1alpha1' });
    const config = (await get('/apis/config.porch.kpt.dev/v1alpha1')).body;
    expect(config.resources).toEqual([
      expect.objectContaining({ name: 'repositories', kind: 'Repository', shortNames: ['repo'], namespaced: true }),
    ]);
    const verbOf: Record<string, string> = {
      GET: 'get',
      POST: 'create',
      PUT: 'update',
      PATCH: 'patch',
      DELETE: 'delete',
    };
    for (const res of [...porch.resources, ...config.resources]) {
      const [plural, sub] = res.name.split('/');
      const group = res.name === 'repositories' ? 'config.porch.kpt.dev' : 'porch.kpt.dev';
      const prefix = `/apis/${group}/v1alpha1/namespaces/{namespace}/${plural}`;
      for (const verb of res.verbs) {
        const served = routes.some((r) => {
          const isItem = r.path === `${prefix}/{name}${sub ? `/${sub}` : ''}`;
          const isCollection = r.path === prefix;
          if (verb === 'list') return r.method === 'GET' && isCollection;
          if (verb === 'create') return r.method === 'POST' && isCollection;
          return verbOf[r.method] === verb && isItem;
        });
        expect(served, `${res.name} ${verb}`).toBe(true);
      }
    }
  });

  it('serves OpenAPI v3 with a schema per kind and the fieldValidation parameter kubectl looks for', async () => {
    const index = (await get('/openapi/v3')).body;
    const url = index.paths['apis/porch.kpt.dev/v1alpha1'].serverRelativeURL as string;
    expect(url).toMatch(/^\/openapi\/v3\/apis\/porch\.kpt\.dev\/v1alpha1\?hash=[0-9A-F]+$/);
    const doc = (await get(url)).body;
    expect(doc.openapi).toBe('3.0.0');
    expect(doc.components.schemas['dev.kpt.porch.v1alpha1.PackageRevision']['x-kubernetes-group-version-kind']).toEqual(
      [{ group: 'porch.kpt.dev', kind: 'PackageRevision', version: 'v1alpha1' }],
    );
    const patch = doc.paths['/apis/porch.kpt.dev/v1alpha1/namespaces/{namespace}/packagerevisions/{name}'].patch;
    expect(patch['x-kubernetes-group-version-kind']).toEqual({
      group: 'porch.kpt.dev',
      version: 'v1alpha1',
      kind: 'PackageRevision',
    });
    expect(patch.parameters).toContainEqual(expect.objectContaining({ name: 'fieldValidation', in: 'query' }));
    const v2 = (await get('/openapi/v2')).body;
    expect(Object.keys(v2.definitions)).toContain('dev.kpt.porch.config.v1alpha1.Repository');
  });

  it('answers /healthz 200 while the database answers, 503 when it does not', async () => {
    expect(await get('/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
    const down = createHttpHandler(discoveryOperations, createAccess, {
      database: async () => {
        throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      },
      log: () => undefined,
    });
    expect((await down(httpEvent('GET', '/healthz'))).statusCode).toBe(503);
  });

  it('serves discovery, /version, OpenAPI and unknown paths while the database is down: they need none', async () => {
    const down = createHttpHandler(discoveryOperations, createAccess, {
      database: async () => {
        throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      },
      log: () => undefined,
    });
    for (const path of ['/api', '/apis', '/apis/porch.kpt.dev/v1alpha1', '/version', '/openapi/v2', '/openapi/v3'])
      expect((await down(httpEvent('GET', path))).statusCode, path).toBe(200);
    expect((await down(httpEvent('GET', '/apis/nope', { routeKey: '$default' }))).statusCode).toBe(404);
  });

  it('answers /healthz 503 within its 2 s when opening the pool hangs', async () => {
    const hanging = createHttpHandler(discoveryOperations, createAccess, {
      database: () => new Promise(() => undefined),
      log: () => undefined,
    });
    const started = Date.now();
    const res = await hanging(httpEvent('GET', '/healthz'));
    expect(res.statusCode).toBe(503);
    expect(Date.now() - started).toBeLessThan(4000);
  }, 10_000);
});
