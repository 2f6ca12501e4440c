import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, newRevision, PR, PRR, type Harness } from './harness.js';

// PUT bodies are checked against the kind's schema (400 on a wrong JSON type); merge patches were not: a label of the
// wrong type made readMeta drop the whole label map (every label wiped, 200) and junk ownerReferences were stored.
let h: Harness;
const name = 'blueprints.app.ws1';
const merge = { 'content-type': 'application/merge-patch+json' };

beforeAll(async () => {
  h = await createHarness();
  await h.addRepository('blueprints');
  const created = await h.call('POST', PR, {
    body: newRevision('blueprints', 'app', 'ws1', { metadata: { labels: { team: 'a' }, annotations: { note: 'x' } } }),
  });
  expect(created.status).toBe(201);
});
afterAll(async () => h?.close());

describe('PATCH with fields of the wrong JSON type', () => {
  const cases: [string, unknown, string][] = [
    ['a label value that is a number', { metadata: { labels: { other: 5 } } }, 'metadata.labels.other'],
    ['labels that are a string', { metadata: { labels: 'x' } }, 'metadata.labels'],
    ['ownerReferences holding a number', { metadata: { ownerReferences: [5] } }, 'metadata.ownerReferences[0]'],
    ['a spec that is a string', { spec: 'x' }, 'spec'],
  ];
  for (const [what, patch, field] of cases) {
    it(`refuses ${what} with 400 and changes nothing`, async () => {
      const before = (await h.call('GET', `${PR}/${name}`)).body;
      const res = await h.call('PATCH', `${PR}/${name}`, { body: patch, headers: merge });
      expect(res.status).toBe(400);
      expect(res.body.message).toContain(field);
      expect((await h.call('GET', `${PR}/${name}`)).body.metadata).toEqual(before.metadata);
    });
  }

  it('refuses the same on the approval subresource and on the resources object', async () => {
    const approval = await h.call('PATCH', `${PR}/${name}/approval`, {
      body: { metadata: { labels: { other: 5 } } },
      headers: merge,
    });
    expect(approval.status).toBe(400);
    const resources = await h.call('PATCH', `${PRR}/${name}`, { body: { metadata: { labels: 'x' } }, headers: merge });
    expect(resources.status).toBe(400);
  });

  it('still applies a well-typed patch', async () => {
    const res = await h.call('PATCH', `${PR}/${name}`, {
      body: { metadata: { labels: { other: 'b' } } },
      headers: merge,
    });
    expect(res.status).toBe(200);
    expect(res.body.metadata.labels).toEqual({ team: 'a', other: 'b' });
  });
});
