import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepositoryOperations } from '../../lib/api/repositories/operations.js';
import { createAccess } from '../../lib/api/rbac/access.js';
import { createHttpHandler, type HttpHandler } from '../../lib/http/handler.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { httpEvent, jsonBody } from '../support/http-events.js';
import { comparable, databaseRows } from './snapshot.js';

const base = '/apis/config.porch.kpt.dev/v1alpha1/namespaces/ns1/repositories';
const repo = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'config.porch.kpt.dev/v1alpha1',
  kind: 'Repository',
  metadata: { name },
  spec: { git: { repo: `https://git.example.test/${name}.git` }, ...extra },
});

let tdb: TestDatabase;
let handler: HttpHandler;
const syncRequests: string[] = [];

const call = async (method: string, path: string, options: Parameters<typeof httpEvent>[2] = {}) => {
  const res = await handler(httpEvent(method, path, options));
  return { status: res.statusCode!, body: jsonBody(res) as any };
};

/** Dry run first (nothing may change: rows, sync requests), then the real call; both answers must agree. */
async function dryThenReal(method: string, path: string, body: unknown, expected: number) {
  const rows = await databaseRows(tdb.db);
  const syncs = syncRequests.length;
  const dry = await call(method, path, { body, query: { dryRun: 'All' } });
  expect(dry.status, JSON.stringify(dry.body)).toBe(expected);
  expect(await databaseRows(tdb.db)).toEqual(rows);
  expect(syncRequests.length).toBe(syncs);
  const real = await call(method, path, { body });
  expect(real.status, JSON.stringify(real.body)).toBe(expected);
  expect(comparable(dry.body)).toEqual(comparable(real.body));
  return dry.body;
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  handler = createHttpHandler(
    createRepositoryOperations({ requestSync: async (ns, name) => void syncRequests.push(`${ns}/${name}`) }),
    createAccess,
    { database: async () => tdb.db, log: () => undefined },
  );
});
afterAll(async () => tdb?.drop());

describe('dryRun=All on repositories', () => {
  it('create: answers the new Repository, stores nothing and starts no sync', async () => {
    const dry = await dryThenReal('POST', base, repo('blueprints'), 201);
    expect(dry.spec.git.branch).toBe('main');
    expect(syncRequests).toEqual(['ns1/blueprints']);
  });

  it('update and merge patch: a spec change starts no sync in a dry run', async () => {
    const cur = (await call('GET', `${base}/blueprints`)).body;
    const put = { ...cur, spec: { ...cur.spec, sync: { schedule: '*/5 * * * *' } } };
    await dryThenReal('PUT', `${base}/blueprints`, put, 200);
    const dry = await dryThenReal('PATCH', `${base}/blueprints`, { spec: { sync: { schedule: '*/7 * * * *' } } }, 200);
    expect(dry.spec.sync.schedule).toBe('*/7 * * * *');
  });

  it('validation runs: an invalid body is a 422 in a dry run too', async () => {
    const res = await call('POST', base, { body: repo('Bad_Name'), query: { dryRun: 'All' } });
    expect(res.status).toBe(422);
  });

  it('delete: kubectl delete --dry-run=server (DeleteOptions body) and ?dryRun=All keep the Repository', async () => {
    const rows = await databaseRows(tdb.db);
    const viaBody = await call('DELETE', `${base}/blueprints`, { body: { kind: 'DeleteOptions', dryRun: ['All'] } });
    expect(viaBody.status).toBe(200);
    expect(viaBody.body.metadata.name).toBe('blueprints');
    expect(await databaseRows(tdb.db)).toEqual(rows);
    await dryThenReal('DELETE', `${base}/blueprints`, undefined, 200);
    expect((await call('GET', `${base}/blueprints`)).status).toBe(404);
  });
});
