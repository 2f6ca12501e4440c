import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageOperations } from '../../lib/api/packages/operations.js';
import { createAccess } from '../../lib/api/rbac/access.js';
import { createHttpHandler, type HttpHandler } from '../../lib/http/handler.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { httpEvent, jsonBody } from '../support/http-events.js';

const api = '/apis/porch.kpt.dev/v1alpha1';
const base = (ns = 'ns1') => `${api}/namespaces/${ns}/packages`;
let tdb: TestDatabase;
let handler: HttpHandler;

const call = async (method: string, path: string, options: Parameters<typeof httpEvent>[2] = {}) => {
  const res = await handler(httpEvent(method, path, options));
  return { status: res.statusCode!, body: jsonBody(res) };
};

async function addRevision(ns: string, repo: string, path: string, ws: string, revision: number) {
  const pkg = `${repo}.${path.replaceAll('/', '.')}`;
  await tdb.db.query(
    `insert into repositories (namespace, name, repo_url, branch, directory, spec) values ($1, $2, 'http://x', 'main', '', '{}')
     on conflict do nothing`,
    [ns, repo],
  );
  await tdb.db.query(
    `insert into packages (namespace, name, repository, path, uid) values ($1, $2, $3, $4, gen_random_uuid()) on conflict do nothing`,
    [ns, pkg, repo, path],
  );
  await tdb.db.query(
    `insert into package_revisions (namespace, name, package, repository, package_path, workspace, revision, lifecycle, uid)
     values ($1, $2, $3, $4, $5, $6, $7, $8, gen_random_uuid())`,
    [ns, `${pkg}.${ws}`, pkg, repo, path, ws, revision, revision > 0 ? 'Published' : 'Draft'],
  );
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  handler = createHttpHandler(packageOperations, createAccess, { database: async () => tdb.db, log: () => undefined });
  await addRevision('ns1', 'blue', 'net/vpc', 'v1', 1);
  await addRevision('ns1', 'blue', 'net/vpc', 'v2', 2);
  await addRevision('ns1', 'blue', 'app', 'draft', 0);
  await addRevision('ns2', 'red', 'vpc', 'v1', 1);
});
afterAll(async () => tdb?.drop());

describe('packages', () => {
  it('lists PorchPackages with the last path segment and the latest revision', async () => {
    const { body } = await call('GET', base());
    expect(body.kind).toBe('PorchPackageList');
    expect(
      body.items.map((p: any) => [p.metadata.name, p.spec.packageName, p.spec.repository, p.status.latestRevision]),
    ).toEqual([
      ['blue.app', 'app', 'blue', undefined],
      ['blue.net.vpc', 'vpc', 'blue', 2],
    ]);
    expect(body.items[1]).toMatchObject({
      apiVersion: 'porch.kpt.dev/v1alpha1',
      kind: 'PorchPackage',
      metadata: { namespace: 'ns1' },
    });
  });

  it('lists all namespaces and filters by field selectors', async () => {
    const names = (b: any) => b.items.map((p: any) => `${p.metadata.namespace}/${p.metadata.name}`);
    expect(names((await call('GET', `${api}/packages`)).body)).toEqual([
      'ns1/blue.app',
      'ns1/blue.net.vpc',
      'ns2/red.vpc',
    ]);
    expect(
      names((await call('GET', `${api}/packages`, { query: { fieldSelector: 'spec.packageName=vpc' } })).body),
    ).toEqual(['ns1/blue.net.vpc', 'ns2/red.vpc']);
    expect(
      names((await call('GET', base(), { query: { fieldSelector: 'spec.repository=blue', limit: '1' } })).body),
    ).toEqual(['ns1/blue.app']);
    const bad = await call('GET', base(), { query: { fieldSelector: 'spec.lifecycle=Draft' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/is not a known field selector/);
  });

  it('gets one, 404 in Porch wording otherwise', async () => {
    expect((await call('GET', `${base()}/blue.net.vpc`)).body.status).toEqual({ latestRevision: 2 });
    const missing = await call('GET', `${base()}/nope`);
    expect(missing).toMatchObject({ status: 404, body: { message: 'packages.porch.kpt.dev "nope" not found' } });
  });

  it('prints a Table', async () => {
    const { body } = await call('GET', base(), { headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } });
    expect(body.columnDefinitions.map((c: any) => c.name)).toEqual([
      'Name',
      'Package',
      'Repository',
      'Latest Revision',
      'Age',
    ]);
    expect(body.rows[1].cells.slice(0, 4)).toEqual(['blue.net.vpc', 'vpc', 'blue', 2]);
  });

  it('answers writes with 405 and Porch texts, whatever the body', async () => {
    const create = await call('POST', base(), { body: 'not: [valid', headers: { 'content-type': 'application/yaml' } });
    expect(create.status).toBe(405);
    expect(create.body).toMatchObject({ reason: 'MethodNotAllowed', code: 405 });
    expect(create.body.message).toBe(
      'create or clone a PackageRevision resource to create a package as direct package creation is not supported on resources of kind "packages.porch.kpt.dev"',
    );
    expect((await call('PUT', `${base()}/blue.app`, { body: { spec: { bogus: 1 } } })).body.message).toMatch(
      /^update a PackageRevision resource .* direct package update is not supported/,
    );
    expect((await call('DELETE', `${base()}/blue.app`)).body.message).toMatch(
      /^delete all PackageRevisions resources .* direct package deletion is not supported/,
    );
    expect((await tdb.db.query('select count(*)::int as n from packages')).rows[0].n).toBe(3);
  });
});
