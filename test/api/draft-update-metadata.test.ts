/**
 * §4.3: on a Draft, `spec.packageMetadata.labels`/`annotations` replace the Kptfile's only "when present". A map the
 * client leaves out leaves the Kptfile's map alone (Porch applies each map only when it is non-nil).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, newRevision, PR, PRR, type Harness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await createHarness();
  await h.addRepository('blueprints');
});
afterAll(async () => h?.close());

const kptfile = async (name: string): Promise<string> => (await h.call('GET', `${PRR}/${name}`)).body.spec.resources.Kptfile;

/** A Draft whose Kptfile has a label, an extra annotation, a readiness gate and a condition. */
async function draftWithEverything(pkg: string) {
  const name = `blueprints.${pkg}.ws1`;
  const created = await h.call('POST', PR, {
    body: newRevision('blueprints', pkg, 'ws1', {
      spec: { packageMetadata: { labels: { env: 'dev' }, annotations: { owner: 'team-a' } }, readinessGates: [{ conditionType: 'Gate' }] },
    }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const withCondition = await h.call('PUT', `${PR}/${name}`, {
    body: { ...created.body, status: { ...created.body.status, conditions: [{ type: 'Gate', status: 'True', reason: 'Ok' }] } },
  });
  expect(withCondition.status, JSON.stringify(withCondition.body)).toBe(200);
  expect(withCondition.body.status.conditions).toEqual([{ type: 'Gate', status: 'True', reason: 'Ok' }]);
  return { name, obj: withCondition.body };
}

describe('PUT of a Draft with one of the packageMetadata maps (§4.3 "when present")', () => {
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
    expect(res.body.spec.packageMetadata.annotations).toMatchObject({ owner: 'team-a', 'config.kubernetes.io/local-config': 'true' });
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
