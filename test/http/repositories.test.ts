import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRepositoryOperations } from '../../lib/api/repositories/operations.js';
import { createAccess } from '../../lib/api/rbac/access.js';
import { createHttpHandler, type HttpHandler } from '../../lib/http/handler.js';
import { saveSyncState } from '../../lib/storage/repository-sync.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { httpEvent, jsonBody } from '../support/http-events.js';

const api = '/apis/config.porch.kpt.dev/v1alpha1';
const base = (ns = 'ns1') => `${api}/namespaces/${ns}/repositories`;
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

let tdb: TestDatabase;
let handler: HttpHandler;
let syncRequests: string[] = [];

const repo = (name: string, extra: Record<string, unknown> = {}, git: Record<string, unknown> = {}) => ({
  apiVersion: 'config.porch.kpt.dev/v1alpha1',
  kind: 'Repository',
  metadata: { name },
  spec: { git: { repo: `https://git.example.test/${name}.git`, ...git }, ...extra },
});

const call = async (method: string, path: string, options: Parameters<typeof httpEvent>[2] = {}) => {
  const res = await handler(httpEvent(method, path, options));
  return { status: res.statusCode!, body: jsonBody(res), headers: res.headers ?? {} };
};
const count = async (table: string) =>
  Number((await tdb.db.query(`select count(*)::int as n from ${table}`)).rows[0].n);

beforeAll(async () => {
  tdb = await createTestDatabase();
  handler = createHttpHandler(
    createRepositoryOperations({ requestSync: async (ns, name) => void syncRequests.push(`${ns}/${name}`) }),
    createAccess,
    { database: async () => tdb.db, log: () => undefined },
  );
});
afterAll(async () => tdb?.drop());
beforeEach(async () => {
  syncRequests = [];
  await tdb.db.query('delete from repositories');
});

describe('create', () => {
  it('registers with defaults, records the caller and requests the first sync', async () => {
    const res = await call('POST', base(), { body: repo('blueprints') });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      kind: 'Repository',
      metadata: { name: 'blueprints', namespace: 'ns1', generation: 1 },
      spec: {
        type: 'git',
        content: 'Package',
        git: { repo: 'https://git.example.test/blueprints.git', branch: 'main' },
      },
      status: { conditions: [{ type: 'Ready', status: 'False', reason: 'Reconciling' }] },
    });
    expect(res.body.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(syncRequests).toEqual(['ns1/blueprints']);
    const { rows } = await tdb.db.query('select updated_by, directory from repositories');
    expect(rows).toEqual([{ updated_by: 'tester', directory: '' }]);
  });

  it('accepts YAML and normalises the directory', async () => {
    const yaml =
      'apiVersion: config.porch.kpt.dev/v1alpha1\nkind: Repository\nmetadata:\n  name: y\nspec:\n  git:\n    repo: http://h/y.git\n    directory: /pkgs/\n';
    const res = await call('POST', base(), { body: yaml, headers: { 'content-type': 'application/yaml' } });
    expect(res.status).toBe(201);
    expect((await tdb.db.query('select directory from repositories')).rows[0].directory).toBe('pkgs');
  });

  it('refuses a duplicate with 409', async () => {
    await call('POST', base(), { body: repo('dup') });
    const res = await call('POST', base(), { body: repo('dup') });
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/already exists/);
  });

  it.each([
    ['a bad name', repo('Bad_Name'), 422, /metadata\.name: Invalid value: "Bad_Name"/],
    ['a name over 253 characters', repo('a'.repeat(254)), 422, /must be no more than 63 characters/],
    ['no git section', { metadata: { name: 'x' }, spec: {} }, 422, /spec\.git: Required value/],
    ['no repo URL', repo('x', {}, { repo: '' }), 422, /spec\.git\.repo: Required value/],
    [
      'a bad cron schedule',
      repo('x', { sync: { schedule: 'every minute' } }),
      422,
      /spec\.sync\.schedule: Invalid value/,
    ],
    ['a bad runOnceAt', repo('x', { sync: { runOnceAt: 'tomorrow' } }), 422, /spec\.sync\.runOnceAt/],
    ['content other than Package', repo('x', { content: 'Function' }), 422, /only valid value is 'Package'/],
    ['an oci repository', repo('x', { type: 'oci' }), 422, /spec\.type/],
    ['a directory escaping the repository', repo('x', {}, { directory: '../up' }), 422, /spec\.git\.directory/],
    // Kubernetes validates labels on every object: a label no selector could name is refused.
    [
      'a label key that is not a qualified name',
      { ...repo('x'), metadata: { name: 'x', labels: { 'bad key!': 'v' } } },
      422,
      /metadata\.labels: Invalid value: "bad key!"/,
    ],
    ['an unknown field', repo('x', { bogus: true }), 400, /unknown field "spec\.bogus"/],
    ['a wrong type', repo('x', { deployment: 'yes' }), 400, /spec\.deployment: expected boolean/],
    [
      'another namespace',
      { ...repo('x'), metadata: { name: 'x', namespace: 'other' } },
      400,
      /does not match the namespace/,
    ],
    ['the wrong kind', { ...repo('x'), kind: 'PackageRevision' }, 400, /kind must be Repository/],
    [
      'the v1alpha2 migration annotation',
      { ...repo('x'), metadata: { name: 'x', annotations: { 'porch.kpt.dev/v1alpha2-migration': 'true' } } },
      410,
      /v1alpha2/,
    ],
  ])('refuses %s and stores nothing', async (_what, body, code, message) => {
    const res = await call('POST', base(), { body });
    expect(res.status).toBe(code);
    expect(res.body).toMatchObject({ kind: 'Status', code });
    expect(res.body.message).toMatch(message);
    expect(await count('repositories')).toBe(0);
    expect(syncRequests).toEqual([]);
  });

  it('lets unknown fields through with fieldValidation=Ignore, and warns with Warn', async () => {
    expect(
      (await call('POST', base(), { body: repo('ign', { bogus: 1 }), query: { fieldValidation: 'Ignore' } })).status,
    ).toBe(201);
    const warn = await call('POST', base(), { body: repo('warn', { bogus: 1 }), query: { fieldValidation: 'Warn' } });
    expect(warn.status).toBe(201);
    expect(warn.headers.warning).toMatch(/299 - "unknown field \\"spec.bogus\\""/);
  });
});

describe('get and list', () => {
  beforeEach(async () => {
    for (const [ns, name] of [
      ['ns1', 'a'],
      ['ns1', 'b'],
      ['ns1', 'c'],
      ['ns2', 'a'],
    ]) {
      const body = repo(name, { deployment: name === 'b', sync: { schedule: '*/10 * * * *' } });
      if (name === 'c') Object.assign(body.metadata, { labels: { tier: 'gold' } });
      expect((await call('POST', base(ns), { body })).status).toBe(201);
    }
  });

  it('gets one, and answers 404 in Porch wording for an absent one', async () => {
    expect((await call('GET', `${base()}/a`)).body.metadata).toMatchObject({ name: 'a', namespace: 'ns1' });
    const missing = await call('GET', `${base()}/zz`);
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('repositories.config.porch.kpt.dev "zz" not found');
  });

  it('lists one namespace or all, in order, with limit/continue and selectors', async () => {
    const names = (body: any) => body.items.map((i: any) => `${i.metadata.namespace}/${i.metadata.name}`);
    expect(names((await call('GET', base())).body)).toEqual(['ns1/a', 'ns1/b', 'ns1/c']);
    expect(names((await call('GET', `${api}/repositories`)).body)).toEqual(['ns1/a', 'ns1/b', 'ns1/c', 'ns2/a']);
    const first = await call('GET', `${api}/repositories`, { query: { limit: '3' } });
    expect(first.body.kind).toBe('RepositoryList');
    expect(names(first.body)).toEqual(['ns1/a', 'ns1/b', 'ns1/c']);
    const second = await call('GET', `${api}/repositories`, {
      query: { limit: '3', continue: first.body.metadata.continue },
    });
    expect(names(second.body)).toEqual(['ns2/a']);
    expect(second.body.metadata.continue).toBeUndefined();
    expect(names((await call('GET', base(), { query: { labelSelector: 'tier=gold' } })).body)).toEqual(['ns1/c']);
    expect(names((await call('GET', base(), { query: { fieldSelector: 'metadata.name=b' } })).body)).toEqual(['ns1/b']);
    const sqlish = await call('GET', base(), { query: { labelSelector: "tier=gold' or '1'='1" } });
    expect(sqlish.status).toBe(400);
    const sqlName = await call('GET', base(), { query: { fieldSelector: "metadata.name=a' or '1'='1" } });
    expect(sqlName.status).toBe(200);
    expect(sqlName.body.items).toEqual([]);
    expect(await count('repositories')).toBe(4);
    const watched = await handler(httpEvent('GET', base(), { query: { watch: 'true', timeoutSeconds: '1' } }));
    expect(watched.statusCode).toBe(200);
    const types = String(watched.body)
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l).type);
    expect(types).toEqual(['ADDED', 'ADDED', 'ADDED']);
  });

  it('answers Table requests with Porch printer columns', async () => {
    const res = await call('GET', base(), { headers: { accept: TABLE } });
    expect(res.body.kind).toBe('Table');
    expect(res.body.columnDefinitions.map((c: any) => c.name)).toEqual([
      'Name',
      'Type',
      'Content',
      'Sync schedule',
      'Deployment',
      'Ready',
      'Address',
      'Branch',
      'Age',
    ]);
    expect(res.body.rows[1].cells.slice(0, 8)).toEqual([
      'b',
      'git',
      'Package',
      '*/10 * * * *',
      true,
      'False',
      'https://git.example.test/b.git',
      'main',
    ]);
    expect(res.body.rows[1].object.metadata.name).toBe('b');
    const one = await call('GET', `${base()}/a`, { headers: { accept: TABLE } });
    expect(one.body.rows).toHaveLength(1);
  });

  it('reports the sync state as status', async () => {
    await saveSyncState(tdb.db, 'ns1', 'a', {
      state: 'Ready',
      message: 'synced',
      commitHash: 'abc123',
      packageCount: 7,
      cachedOnly: 1,
      both: 5,
      externalOnly: 2,
      durationMs: 42,
      lastFullSyncTime: new Date('2026-01-02T03:04:05Z'),
      observedGeneration: 1,
      skipped: [{ ref: 'refs/tags/pkg/v0', reason: 'revision 0 cannot be published' }],
    });
    const { body } = await call('GET', `${base()}/a`);
    expect(body.status).toMatchObject({
      conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', message: 'synced' }],
      lastFullSyncTime: '2026-01-02T03:04:05Z',
      packageCount: 7,
      gitCommitHash: 'abc123',
      observedGeneration: 1,
      sync: { cachedOnly: 1, both: 5, externalOnly: 2, durationMs: 42, skippedRefs: [{ ref: 'refs/tags/pkg/v0' }] },
    });
    expect(typeof body.status.nextFullSyncTime).toBe('string');
  });
});

describe('update', () => {
  let current: any;
  beforeEach(async () => {
    current = (await call('POST', base(), { body: repo('u') })).body;
    syncRequests = [];
  });

  it('updates the spec with the current resourceVersion, bumps generation and requests a sync', async () => {
    const body = { ...current, spec: { ...current.spec, description: 'new', sync: { schedule: '0 * * * *' } } };
    const res = await call('PUT', `${base()}/u`, { body });
    expect(res.status).toBe(200);
    expect(res.body.metadata.generation).toBe(2);
    expect(res.body.metadata.resourceVersion).not.toBe(current.metadata.resourceVersion);
    expect(res.body.spec.description).toBe('new');
    expect(syncRequests).toEqual(['ns1/u']);
    const labelsOnly = { ...res.body, metadata: { ...res.body.metadata, labels: { a: 'b' } } };
    const again = await call('PUT', `${base()}/u`, { body: labelsOnly });
    expect(again.body.metadata).toMatchObject({ generation: 2, labels: { a: 'b' } });
  });

  it('refuses a missing or stale resourceVersion with 409', async () => {
    const { resourceVersion: _rv, ...meta } = current.metadata;
    const missing = await call('PUT', `${base()}/u`, { body: { ...current, metadata: meta } });
    expect(missing.status).toBe(409);
    expect(missing.body.message).toMatch(/resourceVersion must be specified for an update/);
    await call('PUT', `${base()}/u`, { body: { ...current, spec: { ...current.spec, description: 'x' } } });
    const stale = await call('PUT', `${base()}/u`, {
      body: { ...current, spec: { ...current.spec, description: 'y' } },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toMatch(/the object has been modified/);
  });

  it('lets exactly one of two simultaneous updates with the same resourceVersion through', async () => {
    const results = await Promise.all(
      ['one', 'two'].map((d) =>
        call('PUT', `${base()}/u`, { body: { ...current, spec: { ...current.spec, description: d } } }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  });

  it('refuses changes to immutable fields with 422 naming them', async () => {
    const body = {
      ...current,
      spec: { ...current.spec, git: { ...current.spec.git, repo: 'https://elsewhere/x.git', branch: 'dev' } },
    };
    const res = await call('PUT', `${base()}/u`, { body });
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(
      /spec\.git\.repo: Invalid value: "https:\/\/elsewhere\/x\.git": field is immutable/,
    );
    expect(res.body.message).toMatch(/spec\.git\.branch/);
    expect((await call('GET', `${base()}/u`)).body.spec.git.repo).toBe('https://git.example.test/u.git');
  });

  it('refuses a body naming another object, and 404s an absent one', async () => {
    expect(
      (await call('PUT', `${base()}/u`, { body: { ...current, metadata: { ...current.metadata, name: 'v' } } })).status,
    ).toBe(400);
    expect(
      (await call('PUT', `${base()}/nope`, { body: { ...current, metadata: { ...current.metadata, name: 'nope' } } }))
        .status,
    ).toBe(404);
  });
});

describe('patch', () => {
  it('applies a merge patch with the same rules as PUT', async () => {
    const created = (await call('POST', base(), { body: repo('m') })).body;
    const mp = { 'content-type': 'application/merge-patch+json' };
    const labelled = await call('PATCH', `${base()}/m`, {
      headers: mp,
      body: JSON.stringify({ metadata: { labels: { team: 'a' } }, spec: { description: 'd' } }),
    });
    expect(labelled.status).toBe(200);
    expect(labelled.body).toMatchObject({
      metadata: { labels: { team: 'a' }, generation: 2 },
      spec: { description: 'd', git: { branch: 'main' } },
    });
    const removed = await call('PATCH', `${base()}/m`, {
      headers: mp,
      body: JSON.stringify({ spec: { description: null } }),
    });
    expect(removed.body.spec.description).toBeUndefined();
    const immutable = await call('PATCH', `${base()}/m`, {
      headers: mp,
      body: JSON.stringify({ spec: { git: { branch: 'dev' } } }),
    });
    expect(immutable.status).toBe(422);
    const unknown = await call('PATCH', `${base()}/m`, { headers: mp, body: JSON.stringify({ spec: { bogus: 1 } }) });
    expect(unknown.status).toBe(400);
    const stale = await call('PATCH', `${base()}/m`, {
      headers: mp,
      body: JSON.stringify({
        metadata: { resourceVersion: created.metadata.resourceVersion },
        spec: { description: 'x' },
      }),
    });
    expect(stale.status).toBe(409);
  });
});

describe('delete', () => {
  it('removes everything cached for the repository', async () => {
    await call('POST', base(), { body: repo('d') });
    await tdb.db.query(
      `insert into packages (namespace, name, repository, path, uid) values ('ns1', 'd.p', 'd', 'p', gen_random_uuid())`,
    );
    await tdb.db.query(`insert into package_revisions (namespace, name, package, repository, package_path, workspace, uid)
                        values ('ns1', 'd.p.ws', 'd.p', 'd', 'p', 'ws', gen_random_uuid())`);
    await tdb.db.query(`insert into resources values ('ns1', 'd.p.ws', 'Kptfile', 'x')`);
    const res = await call('DELETE', `${base()}/d`);
    expect(res.status).toBe(200);
    expect(res.body.metadata.name).toBe('d');
    for (const table of ['repositories', 'repository_sync', 'packages', 'package_revisions', 'resources']) {
      expect(await count(table), table).toBe(0);
    }
    expect((await call('DELETE', `${base()}/d`)).status).toBe(404);
  });

  it('honours a resourceVersion precondition', async () => {
    await call('POST', base(), { body: repo('p') });
    const res = await call('DELETE', `${base()}/p`, {
      body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { resourceVersion: '1' } },
    });
    expect(res.status).toBe(409);
    expect(await count('repositories')).toBe(1);
  });
});
