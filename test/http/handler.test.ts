import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, STALE_OBJECT } from '../../lib/errors.js';
import { createAccess } from '../../lib/api/rbac/access.js';
import { createHttpHandler, type ApiRequest, type HttpHandler } from '../../lib/http/handler.js';
import type { LogLine } from '../../lib/http/request-log.js';
import { DEFAULT_IDENTITY_SETTINGS } from '../../lib/auth/identity-settings.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { httpEvent, jsonBody } from '../support/http-events.js';

const base = '/apis/config.porch.kpt.dev/v1alpha1/namespaces/ns1/repositories';
let tdb: TestDatabase;
let handler: HttpHandler;
const logs: LogLine[] = [];
let seen: ApiRequest | undefined;

beforeAll(async () => {
  tdb = await createTestDatabase({ migrate: false });
  handler = createHttpHandler(
    {
      list: async (req) => {
        seen = req;
        const { rows } = await req.db.query<{ db: string }>('select current_database() as db');
        return { status: 200, body: { db: rows[0].db, user: req.caller.user } };
      },
      create: async (req) => ({ status: 201, body: req.body }),
      patch: async (req) => ({ status: 200, body: req.body }),
      get: async (req) => {
        throw new ConflictError(
          { resource: 'repositories', group: 'config.porch.kpt.dev', name: req.params.name },
          STALE_OBJECT,
        );
      },
      delete: async () => {
        await tdb.db.query('select * from no_such_table where secret = 1');
        return { status: 200, body: {} };
      },
    },
    createAccess,
    { database: async () => tdb.db, maxBodyBytes: 2048, log: (line) => logs.push(line) },
  );
});
afterAll(async () => tdb?.drop());

describe('createHttpHandler', () => {
  it('routes by routeKey and runs the operation against the injected database with the caller', async () => {
    const res = await handler(httpEvent('GET', base, { query: { limit: '5', limit2: 'x' } }));
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-type']).toBe('application/json');
    expect(jsonBody(res)).toEqual({ db: new URL(tdb.url).pathname.slice(1), user: 'tester' });
    expect(seen?.params).toEqual({ namespace: 'ns1' });
    expect(seen?.query.limit).toBe('5');
    expect(seen?.headers['user-agent']).toBe('vitest');
  });

  it('parses JSON, YAML and base64 bodies', async () => {
    const obj = { kind: 'Repository', metadata: { name: 'r' } };
    expect(jsonBody(await handler(httpEvent('POST', base, { body: obj })))).toEqual(obj);
    const yaml = 'kind: Repository\nmetadata:\n  name: r\n';
    const yamlRes = await handler(
      httpEvent('POST', base, { body: yaml, headers: { 'Content-Type': 'application/yaml' } }),
    );
    expect(yamlRes.statusCode).toBe(201);
    expect(jsonBody(yamlRes)).toEqual(obj);
    const b64 = await handler(httpEvent('POST', base, { body: obj, base64: true }));
    expect(jsonBody(b64)).toEqual(obj);
  });

  it('answers malformed bodies with 400 saying what is wrong', async () => {
    const bad = jsonBody(
      await handler(httpEvent('POST', base, { body: '{"kind": ', headers: { 'content-type': 'application/json' } })),
    );
    expect(bad).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 400, reason: 'BadRequest' });
    expect(bad.message).toMatch(/not valid JSON/);
    const badYaml = jsonBody(
      await handler(
        httpEvent('POST', base, { body: 'a: [1,\n b: }', headers: { 'content-type': 'application/yaml' } }),
      ),
    );
    expect(badYaml.code).toBe(400);
    expect(badYaml.message).toMatch(/not valid YAML at line/);
    const list = jsonBody(await handler(httpEvent('POST', base, { body: [1, 2] })));
    expect(list.message).toMatch(/single JSON or YAML object/);
    const none = jsonBody(await handler(httpEvent('POST', base)));
    expect(none.message).toMatch(/body is required/);
  });

  it('answers a YAML alias bomb with 400, not 500', async () => {
    const bomb = [
      'a: &a [x,x,x,x,x,x,x,x,x]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
    ].join('\n');
    const res = await handler(httpEvent('POST', base, { body: bomb, headers: { 'content-type': 'application/yaml' } }));
    expect(res.statusCode).toBe(400);
    expect(jsonBody(res).message).toMatch(/not valid YAML.*alias/);
  });

  it('answers a JSON patch (kubectl patch --type json) with 415 naming merge patch, not a misleading 400', async () => {
    const ops = [{ op: 'add', path: '/metadata/labels', value: { a: 'b' } }];
    const res = await handler(
      httpEvent('PATCH', `${base}/r`, {
        body: JSON.stringify(ops),
        headers: { 'content-type': 'application/json-patch+json' },
      }),
    );
    expect(res.statusCode).toBe(415);
    expect(jsonBody(res)).toMatchObject({ kind: 'Status', code: 415, reason: 'UnsupportedMediaType' });
    expect(jsonBody(res).message).toMatch(/merge-patch/);
    const merge = await handler(
      httpEvent('PATCH', `${base}/r`, {
        body: JSON.stringify({ a: 1 }),
        headers: { 'content-type': 'application/merge-patch+json' },
      }),
    );
    expect(merge.statusCode).toBe(200);
  });

  it('refuses a body over the limit with 413 before parsing it', async () => {
    const res = await handler(httpEvent('POST', base, { body: { pad: 'x'.repeat(3000) } }));
    expect(res.statusCode).toBe(413);
    expect(jsonBody(res)).toMatchObject({ reason: 'RequestEntityTooLarge', code: 413 });
  });

  it('maps domain errors to their Status and code', async () => {
    const res = await handler(httpEvent('GET', `${base}/r1`));
    expect(res.statusCode).toBe(409);
    expect(jsonBody(res)).toMatchObject({
      reason: 'Conflict',
      message: `Operation cannot be fulfilled on repositories.config.porch.kpt.dev "r1": ${STALE_OBJECT}`,
      details: { name: 'r1' },
    });
  });

  it('hides unexpected errors behind a generic 500 and logs them', async () => {
    logs.length = 0;
    const res = await handler(httpEvent('DELETE', `${base}/r1`));
    expect(res.statusCode).toBe(500);
    const body = jsonBody(res);
    expect(body).toMatchObject({ kind: 'Status', reason: 'InternalError', code: 500 });
    expect(res.body).not.toMatch(/no_such_table|select|secret|at /);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ level: 'error', status: 500, method: 'DELETE' });
    expect(JSON.stringify(logs[0].error)).toMatch(/no_such_table/);
  });

  it('answers unknown routes 404 and unserved operations 405', async () => {
    const res = await handler(httpEvent('GET', '/nope', { routeKey: '$default' }));
    expect(res.statusCode).toBe(404);
    const put = await handler(httpEvent('PUT', `${base}/r1`, { body: {} }));
    expect(put.statusCode).toBe(405);
    expect(jsonBody(put).reason).toBe('MethodNotAllowed');
  });

  it('answers a route whose name parameter is empty with 400 in Kubernetes words', async () => {
    const event = httpEvent('GET', `${base}/r1`);
    event.pathParameters = { namespace: 'ns1', name: '' };
    const res = await handler(event);
    expect(res.statusCode).toBe(400);
    expect(jsonBody(res).message).toBe('resource name may not be empty');
  });

  it('resolves the caller from IAM, JWT and Lambda authorizers', async () => {
    // Everyone authenticated is an admin here, so no RBAC table is read (this database is not migrated).
    const settings = { ...DEFAULT_IDENTITY_SETTINGS, bootstrapAdminGroup: 'system:authenticated' };
    const echo = createHttpHandler(
      { list: async (req) => ({ status: 200, body: { user: req.caller.user, groups: req.caller.groups } }) },
      createAccess,
      { database: async () => tdb.db, identity: settings, log: () => undefined },
    );
    const iam = { iam: { userArn: 'arn:aws:sts::123456789012:assumed-role/dev/chosen-by-caller' } };
    expect(jsonBody(await echo(httpEvent('GET', base, { authorizer: iam }))).user).toBe(
      'arn:aws:iam::123456789012:role/dev',
    );
    const jwt = { jwt: { claims: { iss: 'https://idp.example', sub: 'abc', email: 'e@x', groups: '[a b]' } } };
    expect(jsonBody(await echo(httpEvent('GET', base, { authorizer: jwt })))).toEqual({
      user: 'https://idp.example#abc',
      groups: ['a', 'b', 'system:authenticated'],
    });
    const lambda = { lambda: { user: 'bob', groups: ['system:authenticated'] } };
    expect(jsonBody(await echo(httpEvent('GET', base, { authorizer: lambda }))).user).toBe('bob');
  });

  it('writes one JSON log line per request', async () => {
    logs.length = 0;
    const ok = await handler(httpEvent('GET', base));
    const failed = await handler(httpEvent('GET', `${base}/x`));
    expect(logs.map((l) => l.status)).toEqual([200, 409]);
    expect(logs.map((l) => l.requestId)).toEqual([ok.headers?.['x-request-id'], failed.headers?.['x-request-id']]);
    expect(logs[0]).toMatchObject({
      msg: 'request',
      user: 'tester',
      path: base,
      routeKey: `GET ${base.replace('ns1', '{namespace}')}`,
    });
  });
});

describe('database unavailable', () => {
  it('answers 503 with a retry hint and no internals', async () => {
    const h = createHttpHandler({ list: async () => ({ status: 200, body: {} }) }, createAccess, {
      database: async () => {
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
      },
      log: () => undefined,
    });
    const res = await h(httpEvent('GET', base));
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe('5');
    expect(res.body).not.toMatch(/127\.0\.0\.1/);
  });
});
