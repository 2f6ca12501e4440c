import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, newRevision, PR, type Harness } from './harness.js';

// Kubernetes validates metadata.labels of every object (422): a key or value no label selector could name was stored.
let h: Harness;

beforeAll(async () => {
  h = await createHarness();
  await h.addRepository('blueprints');
});
afterAll(async () => h?.close());

describe('metadata.labels that Kubernetes refuses', () => {
  it('are refused on create (422) and nothing is stored', async () => {
    for (const labels of [{ 'bad key!': 'v' }, { ok: 'été' }, { ok: 'x'.repeat(64) }, { '/name': 'v' }]) {
      const res = await h.call('POST', PR, { body: newRevision('blueprints', 'app', 'ws1', { metadata: { labels } }) });
      expect(res.status, JSON.stringify(labels)).toBe(422);
      expect(res.body.message).toContain('metadata.labels: Invalid value');
    }
    expect((await h.call('GET', `${PR}/blueprints.app.ws1`)).status).toBe(404);
  });

  it('are refused on update (422); valid ones, including prefixed keys and empty values, are stored', async () => {
    const created = await h.call('POST', PR, {
      body: newRevision('blueprints', 'app', 'ws1', { metadata: { labels: { 'example.com/team': 'a', empty: '' } } }),
    });
    expect(created.status).toBe(201);
    const bad = await h.call('PUT', `${PR}/blueprints.app.ws1`, {
      body: { ...created.body, metadata: { ...created.body.metadata, labels: { 'a b': 'c' } } },
    });
    expect(bad.status).toBe(422);
    expect((await h.call('GET', `${PR}/blueprints.app.ws1`)).body.metadata.labels).toEqual({
      'example.com/team': 'a',
      empty: '',
    });
  });
});
