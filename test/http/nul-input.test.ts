import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRevisionOperations } from '../../lib/api/package-revisions/operations.js';
import { packageOperations } from '../../lib/api/packages/operations.js';
import { createRepositoryOperations } from '../../lib/api/repositories/operations.js';
import { createAccess } from '../../lib/api/rbac/access.js';
import { createHttpHandler, type HttpHandler } from '../../lib/http/handler.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { httpEvent, jsonBody } from '../support/http-events.js';

// A NUL byte cannot be stored in (or compared with) PostgreSQL text: reads that pass one from the URL or the query to
// SQL must answer 400, not a 500.
const porch = '/apis/porch.kpt.dev/v1alpha1/namespaces/ns1';
const config = '/apis/config.porch.kpt.dev/v1alpha1/namespaces/ns1';
let tdb: TestDatabase;
const handlers: Record<string, HttpHandler> = {};

const call = async (which: string, method: string, path: string, query?: Record<string, string>) => {
  const res = await handlers[which]!(httpEvent(method, path, query ? { query } : {}));
  return { status: res.statusCode!, body: jsonBody(res) as { reason?: string } };
};

beforeAll(async () => {
  tdb = await createTestDatabase();
  const deps = { database: async () => tdb.db, log: () => undefined };
  handlers.pr = createHttpHandler(packageRevisionOperations, createAccess, deps);
  handlers.pkg = createHttpHandler(packageOperations, createAccess, deps);
  handlers.repo = createHttpHandler(
    createRepositoryOperations({ requestSync: async () => undefined }),
    createAccess,
    deps,
  );
});
afterAll(async () => tdb?.drop());

describe('a NUL byte in a read request', () => {
  it('in the object name is a 400', async () => {
    expect((await call('pr', 'GET', `${porch}/packagerevisions/a%00b`)).status).toBe(400);
    expect((await call('pkg', 'GET', `${porch}/packages/a%00b`)).status).toBe(400);
    expect((await call('repo', 'GET', `${config}/repositories/a%00b`)).status).toBe(400);
  });

  it('in a field selector value or a continue token is a 400', async () => {
    const res = await call('pr', 'GET', `${porch}/packagerevisions`, { fieldSelector: 'spec.repository=a\u0000b' });
    expect(res).toMatchObject({ status: 400, body: { reason: 'BadRequest' } });
    const token = Buffer.from(JSON.stringify(['ns1', 'a\u0000b'])).toString('base64url');
    expect((await call('pr', 'GET', `${porch}/packagerevisions`, { continue: token })).status).toBe(400);
  });
});
