import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, newRevision, PR, PRR, withLifecycle, type Harness } from './harness.js';

// A Kubernetes API server refuses an object whose metadata.namespace differs from the URL's (400, this text);
// we created the revision in the URL's namespace anyway and accepted such updates.
const TEXT = 'the namespace of the provided object does not match the namespace sent on the request';
let h: Harness;

beforeAll(async () => {
  h = await createHarness();
  await h.addRepository('blueprints');
  expect((await h.call('POST', PR, { body: newRevision('blueprints', 'app', 'ws1') })).status).toBe(201);
});
afterAll(async () => h?.close());

const count = async () => Number((await h.tdb.db.query('select count(*)::int as n from package_revisions')).rows[0].n);

describe('metadata.namespace other than the URL namespace', () => {
  it('is refused on create (400) and nothing is stored', async () => {
    const before = await count();
    const res = await h.call('POST', PR, {
      body: newRevision('blueprints', 'other', 'ws1', { metadata: { namespace: 'elsewhere' } }),
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(TEXT);
    expect(await count()).toBe(before);
  });

  it('is refused on update, approval and resources update (400)', async () => {
    const pr = (await h.call('GET', `${PR}/blueprints.app.ws1`)).body;
    const moved = { ...pr, metadata: { ...pr.metadata, namespace: 'elsewhere' } };
    expect(
      (await h.call('PUT', `${PR}/blueprints.app.ws1`, { body: withLifecycle(moved, 'Proposed') })).body.message,
    ).toBe(TEXT);
    expect(
      (await h.call('PUT', `${PR}/blueprints.app.ws1/approval`, { body: withLifecycle(moved, 'Published') })).body
        .message,
    ).toBe(TEXT);
    const prr = (await h.call('GET', `${PRR}/blueprints.app.ws1`)).body;
    const res = await h.call('PUT', `${PRR}/blueprints.app.ws1`, {
      body: { ...prr, metadata: { ...prr.metadata, namespace: 'elsewhere' } },
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(TEXT);
    expect((await h.call('GET', `${PR}/blueprints.app.ws1`)).body.spec.lifecycle).toBe('Draft');
  });

  it('is fine when absent or equal', async () => {
    const pr = (await h.call('GET', `${PR}/blueprints.app.ws1`)).body;
    expect((await h.call('PUT', `${PR}/blueprints.app.ws1`, { body: withLifecycle(pr, 'Proposed') })).status).toBe(200);
    expect((await h.call('POST', PR, { body: newRevision('blueprints', 'third', 'ws1') })).status).toBe(201);
  });
});
