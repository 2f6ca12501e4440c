/** Upgrade with resource-merge through the API: merge keys on clone, field-level merge of setters.yaml. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createHarness, newRevision, PR, PRR, withLifecycle, type Harness } from '../api/harness.js';

let h: Harness;

const create = async (pkg: string, ws: string, spec = {}) => {
  const res = await h.call('POST', PR, { body: newRevision('blueprints', pkg, ws, { spec }) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};
const files = async (name: string) => (await h.call('GET', `${PRR}/${name}`)).body.spec.resources;
async function edit(name: string, change: (f: Record<string, string>) => void) {
  const cur = (await h.call('GET', `${PRR}/${name}`)).body;
  change(cur.spec.resources);
  const res = await h.call('PUT', `${PRR}/${name}`, { body: cur });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}
async function publish(name: string) {
  const get = async () => (await h.call('GET', `${PR}/${name}`)).body;
  await h.call('PUT', `${PR}/${name}`, { body: withLifecycle(await get(), 'Proposed') });
  const res = await h.call('PUT', `${PR}/${name}/approval`, { body: withLifecycle(await get(), 'Published') });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}
const upgrade = (from: string, to: string, local: string) => ({
  tasks: [
    {
      type: 'upgrade',
      upgrade: {
        oldUpstreamRef: { name: from },
        newUpstreamRef: { name: to },
        localPackageRevisionRef: { name: local },
      },
    },
  ],
});
const setValue = (text: string, key: string, value: string) =>
  text.replace(new RegExp(`  ${key}: .*`), `  ${key}: ${value}`);

const SETTERS = `apiVersion: v1
kind: ConfigMap
metadata:
  name: setters
  annotations:
    config.kubernetes.io/local-config: "true"
data:
  namespace: example # where it runs
  replicas: "1"
`;

beforeAll(async () => {
  h = await createHarness();
  await h.addRepository('blueprints');
  await create('bp', 'v1');
  await edit('blueprints.bp.v1', (f) => (f['setters.yaml'] = SETTERS));
  await publish('blueprints.bp.v1');
  await create('site', 'v1', {
    tasks: [{ type: 'clone', clone: { upstreamRef: { upstreamRef: { name: 'blueprints.bp.v1' } } } }],
  });
});
afterAll(async () => h?.close());

describe('upgrade (resource-merge)', () => {
  it('clone writes kpt merge keys on every resource', async () => {
    const text = (await files('blueprints.site.v1'))['setters.yaml'];
    expect(text).toContain('metadata: # kpt-merge: /setters');
    expect(parse(text).metadata.annotations['internal.kpt.dev/upstream-identifier']).toBe('|ConfigMap|default|setters');
  });

  it('merges local and upstream changes to different fields of setters.yaml; the same field takes upstream', async () => {
    await edit(
      'blueprints.site.v1',
      (f) => (f['setters.yaml'] = setValue(f['setters.yaml']!, 'namespace', 'site-1 # mine')),
    );
    await publish('blueprints.site.v1');
    await create('bp', 'v2', { tasks: [{ type: 'edit', edit: { sourceRef: { name: 'blueprints.bp.v1' } } }] });
    await edit('blueprints.bp.v2', (f) => (f['setters.yaml'] = setValue(f['setters.yaml']!, 'replicas', '"3"')));
    await publish('blueprints.bp.v2');
    await create('site', 'v2', upgrade('blueprints.bp.v1', 'blueprints.bp.v2', 'blueprints.site.v1'));
    const merged = (await files('blueprints.site.v2'))['setters.yaml'];
    expect(parse(merged).data).toEqual({ namespace: 'site-1', replicas: '3' });
    expect(merged).toContain('namespace: site-1 # mine');

    await publish('blueprints.site.v2');
    await create('bp', 'v3', { tasks: [{ type: 'edit', edit: { sourceRef: { name: 'blueprints.bp.v2' } } }] });
    await edit(
      'blueprints.bp.v3',
      (f) => (f['setters.yaml'] = setValue(f['setters.yaml']!, 'namespace', 'upstream-ns')),
    );
    await publish('blueprints.bp.v3');
    await create('site', 'v3', upgrade('blueprints.bp.v2', 'blueprints.bp.v3', 'blueprints.site.v2'));
    expect(parse((await files('blueprints.site.v3'))['setters.yaml']).data.namespace).toBe('upstream-ns');
  });
});
