import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepositoryOperations } from '../../lib/api/repositories/operations.js';
import { createAccess } from '../../lib/api/rbac/access.js';
import { createHttpHandler, type HttpHandler } from '../../lib/http/handler.js';
import { createHarness, NS, PR, PRR, type Harness } from '../api/harness.js';
import { databaseRows } from '../dryrun/snapshot.js';
import { httpEvent, jsonBody } from '../support/http-events.js';

const REPOS = `/apis/config.porch.kpt.dev/v1alpha1/namespaces/${NS}/repositories`;
const APPLY = { 'content-type': 'application/apply-patch+yaml' };

let h: Harness;
let repositories: HttpHandler;

const callRepo = async (method: string, path: string, options: Parameters<typeof httpEvent>[2] = {}) => {
  const res = await repositories(httpEvent(method, path, options));
  return { status: res.statusCode!, body: jsonBody(res) as any };
};
const apply = (path: string, body: unknown, query: Record<string, string>) => {
  const options = { body: JSON.stringify(body), headers: APPLY, query };
  return path.startsWith(REPOS) ? callRepo('PATCH', path, options) : h.call('PATCH', path, options);
};
const repoConfig = (spec: Record<string, unknown> = {}) => ({
  apiVersion: 'config.porch.kpt.dev/v1alpha1',
  kind: 'Repository',
  metadata: { name: 'blueprints' },
  spec: { git: { repo: 'https://git.example.test/blueprints.git' }, ...spec },
});
const managers = (obj: any) => obj.metadata.managedFields.map((e: any) => `${e.manager}/${e.operation}`);

beforeAll(async () => {
  h = await createHarness();
  repositories = createHttpHandler(createRepositoryOperations({ requestSync: async () => undefined }), createAccess, {
    database: async () => h.tdb.db,
    log: () => undefined,
  });
});
afterAll(async () => h?.close());

describe('server-side apply of a Repository', () => {
  it('creates it when it does not exist, with the Apply entry of the manager', async () => {
    const res = await apply(`${REPOS}/blueprints`, repoConfig({ description: 'one' }), { fieldManager: 'team-a' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.spec.description).toBe('one');
    expect(res.body.metadata.managedFields).toEqual([
      {
        manager: 'team-a',
        operation: 'Apply',
        apiVersion: 'config.porch.kpt.dev/v1alpha1',
        time: expect.stringMatching(/Z$/),
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:description': {}, 'f:git': { 'f:repo': {} } } },
      },
    ]);
    expect((await callRepo('GET', `${REPOS}/blueprints`)).body.metadata.managedFields).toEqual(
      res.body.metadata.managedFields,
    );
  });

  it('updates it when it exists', async () => {
    const res = await apply(`${REPOS}/blueprints`, repoConfig({ description: 'two' }), { fieldManager: 'team-a' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.spec.description).toBe('two');
  });

  it('refuses another manager changing a field team-a owns (409 with the fields), unless forced', async () => {
    const res = await apply(`${REPOS}/blueprints`, repoConfig({ description: 'three' }), { fieldManager: 'team-b' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      kind: 'Status',
      reason: 'Conflict',
      code: 409,
      message: 'Apply failed with 1 conflict: conflict with "team-a": .spec.description',
      details: {
        causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "team-a"', field: '.spec.description' }],
      },
    });
    const forced = await apply(`${REPOS}/blueprints`, repoConfig({ description: 'three' }), {
      fieldManager: 'team-b',
      force: 'true',
    });
    expect(forced.status, JSON.stringify(forced.body)).toBe(200);
    expect(forced.body.spec.description).toBe('three');
    const a = forced.body.metadata.managedFields.find((e: any) => e.manager === 'team-a');
    expect(a.fieldsV1).toEqual({ 'f:spec': { 'f:git': { 'f:repo': {} } } });
  });

  it('records a merge patch as an Update entry of its fieldManager', async () => {
    const res = await callRepo('PATCH', `${REPOS}/blueprints`, {
      body: { metadata: { labels: { team: 'x' } } },
      headers: { 'content-type': 'application/merge-patch+json' },
      query: { fieldManager: 'kubectl-patch' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(managers(res.body)).toEqual(['team-a/Apply', 'team-b/Apply', 'kubectl-patch/Update']);
    const entry = res.body.metadata.managedFields[2];
    expect(entry.fieldsV1).toEqual({ 'f:metadata': { 'f:labels': { 'f:team': {} } } });
  });

  it('checks its options as Kubernetes does', async () => {
    const noManager = await apply(`${REPOS}/blueprints`, repoConfig(), {});
    expect(noManager.status).toBe(422);
    expect(noManager.body.message).toBe(
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    );
    const forcedMerge = await callRepo('PATCH', `${REPOS}/blueprints`, {
      body: { spec: { description: 'x' } },
      headers: { 'content-type': 'application/merge-patch+json' },
      query: { force: 'true' },
    });
    expect(forcedMerge.status).toBe(422);
    expect(forcedMerge.body.message).toContain('force: Forbidden: may not be specified for non-apply patch');
    const wrongName = await apply(`${REPOS}/other`, repoConfig(), { fieldManager: 'm' });
    expect(wrongName.status).toBe(400);
    const unknown = await apply(`${REPOS}/blueprints`, repoConfig({ colour: 'red' }), { fieldManager: 'm' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toBe('strict decoding error: unknown field "spec.colour"');
  });

  it('a dry-run apply changes nothing', async () => {
    const before = await databaseRows(h.tdb.db);
    const res = await apply(
      `${REPOS}/fresh`,
      { ...repoConfig(), metadata: { name: 'fresh' } },
      {
        fieldManager: 'm',
        dryRun: 'All',
      },
    );
    expect(res.status).toBe(201);
    expect(await databaseRows(h.tdb.db)).toEqual(before);
  });
});

describe('server-side apply of a PackageRevision', () => {
  const name = 'blueprints.net.ws1';
  const prConfig = (extra: Record<string, unknown> = {}) => ({
    apiVersion: 'porch.kpt.dev/v1alpha1',
    kind: 'PackageRevision',
    metadata: { name, ...extra },
    spec: { repository: 'blueprints', packageName: 'net', workspaceName: 'ws1' },
  });

  it('creates, then updates, and conflicts between managers', async () => {
    const created = await apply(`${PR}/${name}`, prConfig({ labels: { tier: 'gold' } }), { fieldManager: 'ci' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.metadata.labels).toEqual({ tier: 'gold' });
    expect(managers(created.body)).toEqual(['ci/Apply']);
    const updated = await apply(`${PR}/${name}`, prConfig({ labels: { tier: 'silver' } }), { fieldManager: 'ci' });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body.metadata.labels).toEqual({ tier: 'silver' });
    const other = await apply(`${PR}/${name}`, prConfig({ labels: { tier: 'bronze' } }), { fieldManager: 'ops' });
    expect(other.status).toBe(409);
    expect(other.body.details.causes[0].field).toBe('.metadata.labels.tier');
  });

  it('refuses a config whose computed name is not the URL name', async () => {
    const res = await apply(`${PR}/blueprints.net.ws9`, { ...prConfig(), metadata: {} }, { fieldManager: 'ci' });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(
      'the name of the object (blueprints.net.ws1) does not match the name on the URL (blueprints.net.ws9)',
    );
  });

  it('is refused with 415 on packagerevisionresources and on the approval subresource', async () => {
    expect((await apply(`${PRR}/${name}`, prConfig(), { fieldManager: 'ci' })).status).toBe(415);
    expect((await apply(`${PR}/${name}/approval`, prConfig(), { fieldManager: 'ci' })).status).toBe(415);
  });
});
