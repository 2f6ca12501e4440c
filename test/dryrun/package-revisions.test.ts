import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, newRevision, NS, PR, PRR, withLifecycle, type Harness } from '../api/harness.js';
import { comparable, databaseRows, gitRefs } from './snapshot.js';

let h: Harness;
const DRY = { dryRun: 'All' };

const state = async () => ({ rows: await databaseRows(h.tdb.db), refs: await gitRefs([h.repos.blueprints!.bareDir]) });
const get = async (name: string) => (await h.call('GET', `${PR}/${name}`)).body;

/** Sends the request as a dry run, checks nothing changed, then sends it for real and compares the answers. */
async function dryThenReal(method: string, path: string, body?: unknown, expected = 200) {
  const before = await state();
  const dry = await h.call(method, path, { body, query: DRY });
  expect(dry.status, JSON.stringify(dry.body)).toBe(expected);
  expect(await state()).toEqual(before);
  const real = await h.call(method, path, { body });
  expect(real.status, JSON.stringify(real.body)).toBe(expected);
  expect(comparable(dry.body)).toEqual(comparable(real.body));
  return { dry: dry.body, real: real.body };
}

beforeAll(async () => {
  h = await createHarness();
  await h.addRepository('blueprints');
});
afterAll(async () => h?.close());

describe('dryRun=All on package revisions changes nothing and answers what the real call answers', () => {
  const name = 'blueprints.net.ws1';

  it('create', async () => {
    const { dry } = await dryThenReal('POST', PR, newRevision('blueprints', 'net', 'ws1'), 201);
    expect(dry.metadata.name).toBe(name);
    expect(dry.spec.tasks[0].type).toBe('init');
  });

  it('create still runs every check: a duplicate is refused as the real call refuses it', async () => {
    const before = await state();
    const res = await h.call('POST', PR, { body: newRevision('blueprints', 'net', 'ws1'), query: DRY });
    expect(res.status).toBe(409);
    expect(await state()).toEqual(before);
  });

  it('update (PUT) and merge patch', async () => {
    const cur = await get(name);
    await dryThenReal('PUT', `${PR}/${name}`, { ...cur, metadata: { ...cur.metadata, labels: { team: 'a' } } });
    const { dry } = await dryThenReal('PATCH', `${PR}/${name}`, { metadata: { annotations: { note: 'x' } } });
    expect(dry.metadata.annotations).toEqual({ note: 'x' });
  });

  it('resources (PUT packagerevisionresources)', async () => {
    // A KRM resource: the render every update runs refuses YAML that is not one.
    const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n';
    const res = (await h.call('GET', `${PRR}/${name}`)).body;
    const body = {
      ...res,
      spec: { ...res.spec, resources: { ...res.spec.resources, 'cm.yaml': CM } },
    };
    const { dry } = await dryThenReal('PUT', `${PRR}/${name}`, body);
    expect(dry.spec.resources['cm.yaml']).toBe(CM);
  });

  it('propose, then approve: the dry-run approval pushes nothing and reports revision 1', async () => {
    await dryThenReal('PUT', `${PR}/${name}`, withLifecycle(await get(name), 'Proposed'));
    const { dry, real } = await dryThenReal(
      'PUT',
      `${PR}/${name}/approval`,
      withLifecycle(await get(name), 'Published'),
    );
    expect(dry.spec).toMatchObject({ lifecycle: 'Published', revision: 1 });
    expect(dry.status.selfLock.git).toMatchObject({ ref: 'net/v1', commit: 'not-pushed' });
    expect(real.status.selfLock.git.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(Object.keys(await gitRefs([h.repos.blueprints!.bareDir]))).toContain(
      `${h.repos.blueprints!.bareDir}:refs/tags/net/v1`,
    );
  });

  it('propose deletion and delete a published revision: the tag stays until the real delete', async () => {
    await dryThenReal('PUT', `${PR}/${name}/approval`, withLifecycle(await get(name), 'DeletionProposed'));
    const tag = `${h.repos.blueprints!.bareDir}:refs/tags/net/v1`;
    await dryThenReal('DELETE', `${PR}/${name}`);
    expect(Object.keys(await gitRefs([h.repos.blueprints!.bareDir]))).not.toContain(tag);
  });

  it('delete with dryRun in the DeleteOptions body (kubectl delete --dry-run=server)', async () => {
    await h.call('POST', PR, { body: newRevision('blueprints', 'db', 'ws1') });
    const before = await state();
    const body = { kind: 'DeleteOptions', apiVersion: 'v1', dryRun: ['All'] };
    const res = await h.call('DELETE', `${PR}/blueprints.db.ws1`, { body });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.metadata.name).toBe('blueprints.db.ws1');
    expect(await state()).toEqual(before);
    expect((await h.call('GET', `${PR}/blueprints.db.ws1`)).status).toBe(200);
  });

  it('any other dryRun value is a 400 that changes nothing', async () => {
    const before = await state();
    const res = await h.call('DELETE', `${PR}/blueprints.db.ws1`, { query: 'dryRun=Some' });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(
      'DeleteOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Some"}: supported values: "All"',
    );
    const inBody = await h.call('DELETE', `${PR}/blueprints.db.ws1`, { body: { dryRun: ['All', 'x'] } });
    expect(inBody.status).toBe(400);
    const create = await h.call('POST', PR, { body: newRevision('blueprints', 'x', 'ws1'), query: 'dryRun=' });
    expect(create.status).toBe(400);
    expect(create.body.message).toContain('CreateOptions.meta.k8s.io');
    expect(await state()).toEqual(before);
  });

  it('a dry-run GET is an ordinary read', async () => {
    expect((await h.call('GET', `${PR}/blueprints.db.ws1`, { query: 'dryRun=whatever' })).status).toBe(200);
    expect(NS).toBe('ns1');
  });
});
