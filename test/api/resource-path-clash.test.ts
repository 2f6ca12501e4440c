import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, newRevision, PR, PRR, type Harness } from './harness.js';

// Files `a` and `a/b` cannot both exist in a git tree: publishing them wrote a tree with duplicate entries that
// `git fsck` (and any server with receive.fsckObjects) refuses. The resources update must refuse them (422).
let h: Harness;

beforeAll(async () => {
  h = await createHarness();
  await h.addRepository('blueprints');
  expect((await h.call('POST', PR, { body: newRevision('blueprints', 'app', 'ws1') })).status).toBe(201);
});
afterAll(async () => h?.close());

describe('PUT packagerevisionresources: a path that is both a file and a directory', () => {
  it('is refused with 422 naming both paths, and nothing changes', async () => {
    const cur = (await h.call('GET', `${PRR}/blueprints.app.ws1`)).body;
    const body = {
      ...cur,
      spec: { ...cur.spec, resources: { ...cur.spec.resources, a: 'x: 1\n', 'a/b.yaml': 'y: 2\n' } },
    };
    const res = await h.call('PUT', `${PRR}/blueprints.app.ws1`, { body });
    expect(res.status).toBe(422);
    expect(res.body.message).toContain('"a/b.yaml"');
    expect(res.body.message).toContain('"a"');
    const after = (await h.call('GET', `${PRR}/blueprints.app.ws1`)).body;
    expect(Object.keys(after.spec.resources).sort()).toEqual(Object.keys(cur.spec.resources).sort());
  });

  it('still accepts files in a directory next to a file of another name', async () => {
    const cur = (await h.call('GET', `${PRR}/blueprints.app.ws1`)).body;
    const body = {
      ...cur,
      spec: {
        ...cur.spec,
        resources: {
          ...cur.spec.resources,
          ab: 'x: 1\n',
          'a/b.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n',
        },
      },
    };
    expect((await h.call('PUT', `${PRR}/blueprints.app.ws1`, { body })).status).toBe(200);
  });
});
