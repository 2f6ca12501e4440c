/**
 * docs/porch-semantics.md §4.3: on a Draft, `spec.packageMetadata.labels`/`annotations`, `spec.readinessGates` and
 * `status.conditions` replace the Kptfile's only "when present". A field left out — or sent as null, which Kubernetes'
 * JSON decoding reads as absent (Porch tests `!= nil`) — leaves the Kptfile's value alone; an empty map or list clears
 * it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, newRevision, PR, PRR, type Harness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await createHarness();
  await h.addRepository('blueprints');
});
afterAll(async () => h?.close());

const get = async (name: string) => (await h.call('GET', `${PR}/${name}`)).body;
const kptfile = async (name: string): Promise<string> =>
  (await h.call('GET', `${PRR}/${name}`)).body.spec.resources.Kptfile;

/** A Draft whose Kptfile has a label, an extra annotation, a readiness gate and a condition. */
async function draftWithEverything(pkg: string) {
  const name = `blueprints.${pkg}.ws1`;
  const created = await h.call('POST', PR, {
    body: newRevision('blueprints', pkg, 'ws1', {
      spec: {
        packageMetadata: { labels: { env: 'dev' }, annotations: { owner: 'team-a' } },
        readinessGates: [{ conditionType: 'Gate' }],
      },
    }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const withCondition = await h.call('PUT', `${PR}/${name}`, {
    body: {
      ...created.body,
      status: { ...created.body.status, conditions: [{ type: 'Gate', status: 'True', reason: 'Ok' }] },
    },
  });
  expect(withCondition.status, JSON.stringify(withCondition.body)).toBe(200);
  expect(withCondition.body.status.conditions).toEqual([GATE, RENDERED]);
  return { name, obj: withCondition.body };
}

const GATE = { type: 'Gate', status: 'True', reason: 'Ok' };
const RENDERED = { type: 'Rendered', status: 'True', reason: 'RenderSuccess' };

describe('PUT of a Draft with one of the packageMetadata maps (docs/porch-semantics.md §4.3 "when present")', () => {
  it('keeps the Kptfile labels when only annotations are sent', async () => {
    const { name, obj } = await draftWithEverything('annotations-only');
    const res = await h.call('PUT', `${PR}/${name}`, {
      body: { ...obj, spec: { ...obj.spec, packageMetadata: { annotations: { owner: 'team-b' } } } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.spec.packageMetadata).toEqual({ labels: { env: 'dev' }, annotations: { owner: 'team-b' } });
    const text = await kptfile(name);
    expect(text).toMatch(/labels:\n\s+env: dev/);
    expect(text).not.toContain('local-config');
  });

  it('keeps the Kptfile annotations when only labels are sent', async () => {
    const { name, obj } = await draftWithEverything('labels-only');
    const res = await h.call('PUT', `${PR}/${name}`, {
      body: { ...obj, spec: { ...obj.spec, packageMetadata: { labels: { env: 'prod' } } } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.spec.packageMetadata.labels).toEqual({ env: 'prod' });
    expect(res.body.spec.packageMetadata.annotations).toMatchObject({
      owner: 'team-a',
      'config.kubernetes.io/local-config': 'true',
    });
  });

  it('empties a map that is sent empty', async () => {
    const { name, obj } = await draftWithEverything('labels-empty');
    const res = await h.call('PUT', `${PR}/${name}`, {
      body: { ...obj, spec: { ...obj.spec, packageMetadata: { ...obj.spec.packageMetadata, labels: {} } } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.spec.packageMetadata.labels).toBeUndefined();
    expect(res.body.spec.packageMetadata.annotations.owner).toBe('team-a');
  });
});

describe('PUT of a Draft without conditions or readiness gates (docs/porch-semantics.md §4.3 "when present")', () => {
  it('keeps conditions when status.conditions is left out, and when it is null', async () => {
    const { name, obj } = await draftWithEverything('conditions-kept');
    const { status: _status, ...noStatus } = obj;
    const omitted = await h.call('PUT', `${PR}/${name}`, { body: noStatus });
    expect(omitted.status, JSON.stringify(omitted.body)).toBe(200);
    expect(omitted.body.status.conditions).toEqual([GATE, RENDERED]);
    const nulled = await h.call('PUT', `${PR}/${name}`, {
      body: { ...omitted.body, status: { ...omitted.body.status, conditions: null } },
    });
    expect(nulled.status, JSON.stringify(nulled.body)).toBe(200);
    expect(nulled.body.status.conditions).toEqual([GATE, RENDERED]);
    expect(await kptfile(name)).toMatch(/conditions:\n\s+- type: Gate/);
  });

  it('clears conditions sent as an empty list', async () => {
    const { name, obj } = await draftWithEverything('conditions-cleared');
    const res = await h.call('PUT', `${PR}/${name}`, { body: { ...obj, status: { ...obj.status, conditions: [] } } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // The render that follows every Draft update writes its own condition back (docs/porch-semantics.md §6).
    expect(res.body.status.conditions).toEqual([RENDERED]);
    expect(await kptfile(name)).not.toMatch(/type: Gate/);
  });

  it('keeps readiness gates sent as null', async () => {
    const { name, obj } = await draftWithEverything('gates-kept');
    const res = await h.call('PUT', `${PR}/${name}`, { body: { ...obj, spec: { ...obj.spec, readinessGates: null } } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await get(name)).spec.readinessGates).toEqual([{ conditionType: 'Gate' }]);
  });
});
