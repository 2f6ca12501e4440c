/** The watch function URL: API Gateway v2 events as a function URL sends them, real JWTs, a real stream. */
import { createSign, generateKeyPairSync } from 'node:crypto';
import { PassThrough, type Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFunctionUrlHandler, type ResponseMeta } from '../../lib/http/function-url.js';
import { createJwtVerify } from '../../lib/http/jwt-verify.js';
import { createReadHandlers } from '../../lib/handlers/read-handlers.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { httpEvent } from '../support/http-events.js';
import { addDraft, addRepository } from '../storage/fixtures.js';

const ISSUER = 'https://issuer.example.test';
/** The bootstrap admin group: RBAC allows its members everything, so these tests see the function, not a 403. */
const ADMINS = 'system:masters';
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' };

function token(claims: Record<string, unknown>): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const body = `${b64({ alg: 'RS256', kid: 'k1', typ: 'JWT' })}.${b64({ iss: ISSUER, iat: now, exp: now + 300, ...claims })}`;
  return `${body}.${createSign('RSA-SHA256').update(body).sign(privateKey).toString('base64url')}`;
}

let t: TestDatabase;
const PR = '/apis/porch.kpt.dev/v1alpha1/namespaces/fu/packagerevisions';

/** Invokes the handler as the runtime would, collecting the response's status, headers and body. */
async function invoke(method: string, path: string, headers: Record<string, string>, remainingMs = 60_000) {
  const event = httpEvent(method, path, { headers, routeKey: '$default', authorizer: null });
  event.pathParameters = undefined;
  let meta: ResponseMeta | undefined;
  let body = '';
  const out = new PassThrough();
  out.on('data', (c: Buffer) => (body += c.toString()));
  const startResponse = (_stream: Writable, m: ResponseMeta) => {
    meta = m;
    return out;
  };
  const h = createFunctionUrlHandler({ ...deps(), startResponse, marginMs: 10_000 });
  await h(event, new PassThrough(), { getRemainingTimeInMillis: () => remainingMs });
  return { meta: meta!, body };
}

let deps: () => Omit<Parameters<typeof createFunctionUrlHandler>[0], 'startResponse'>;

beforeAll(async () => {
  t = await createTestDatabase();
  await addRepository(t.db, 'fu', 'repo');
  await addDraft(t.db, { namespace: 'fu', repository: 'repo', packagePath: 'app', workspace: 'ws' });
  const verify = createJwtVerify({ issuer: ISSUER, audience: ['porch'], jwks: { keys: [jwk as never] } });
  deps = () => ({ handlers: createReadHandlers({ database: async () => t.db, log: () => undefined }), verify });
});
afterAll(async () => t?.drop());

describe('watch function URL', () => {
  it('refuses a missing, foreign or wrong-audience token with 401', async () => {
    expect((await invoke('GET', PR, {})).meta.statusCode).toBe(401);
    expect((await invoke('GET', PR, { authorization: `Bearer ${token({ aud: 'other' })}` })).meta.statusCode).toBe(401);
    const forged = `${token({ aud: 'porch' }).slice(0, -4)}AAAA`;
    expect((await invoke('GET', PR, { authorization: `Bearer ${forged}` })).meta.statusCode).toBe(401);
  });

  it("authorizes like the API: a valid token without a grant is a 403 with Kubernetes' text", async () => {
    const res = await invoke('GET', PR, { authorization: `Bearer ${token({ aud: 'porch', sub: 'nobody' })}` });
    expect(res.meta.statusCode).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ kind: 'Status', reason: 'Forbidden' });
    expect(JSON.parse(res.body).message).toContain('cannot list resource "packagerevisions"');
  });

  it('serves lists with a valid token (aud, or client_id as API Gateway accepts)', async () => {
    for (const claims of [
      { aud: 'porch', sub: 'u1', groups: [ADMINS] },
      { client_id: 'porch', sub: 'u2', groups: [ADMINS] },
    ]) {
      const res = await invoke('GET', PR, { authorization: `Bearer ${token(claims)}` });
      expect(res.meta.statusCode).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({
        kind: 'PackageRevisionList',
        metadata: { resourceVersion: expect.any(String) },
      });
    }
  });

  it('streams a watch and ends it before the function times out, with a bookmark to re-watch from', async () => {
    const started = Date.now();
    const res = await invoke(
      'GET',
      `${PR}?watch=true&allowWatchBookmarks=true`,
      { authorization: `Bearer ${token({ aud: 'porch', sub: 'u3', groups: [ADMINS] })}` },
      11_500,
    );
    expect(Date.now() - started).toBeLessThan(5000);
    const events = res.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'repo.app.ws' } } });
    expect(events.at(-1)).toMatchObject({ type: 'BOOKMARK' });
  });

  it('writes are for the API URL: 405', async () => {
    const res = await invoke('POST', PR, { authorization: `Bearer ${token({ aud: 'porch' })}` });
    expect(res.meta.statusCode).toBe(405);
    expect(JSON.parse(res.body)).toMatchObject({ reason: 'MethodNotAllowed' });
  });
});
