import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upgradeFiles } from '../../lib/api/package-revisions/upgrade-merge.js';
import { createHarness, newRevision, PR, PRR, withLifecycle, type Harness } from './harness.js';

let h: Harness;

/** A small KRM resource: render refuses YAML that is not one. */
const cm = (name: string, value: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: ${value}\n`;

const post = (pkg: string, ws: string, spec = {}) =>
  h.call('POST', PR, { body: newRevision('blueprints', pkg, ws, { spec }) });
const create = async (pkg: string, ws: string, spec = {}) => {
  const res = await post(pkg, ws, spec);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};
const get = async (name: string) => (await h.call('GET', `${PR}/${name}`)).body;
async function setFiles(name: string, change: (files: Record<string, string>) => void) {
  const cur = (await h.call('GET', `${PRR}/${name}`)).body;
  change(cur.spec.resources);
  const res = await h.call('PUT', `${PRR}/${name}`, { body: cur });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}
async function publish(name: string) {
  const proposed = await h.call('PUT', `${PR}/${name}`, { body: withLifecycle(await get(name), 'Proposed') });
  const res = await h.call('PUT', `${PR}/${name}/approval`, { body: withLifecycle(proposed.body, 'Published') });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}
const upgrade = (oldName: string, newName: string, local: string, strategy?: string) => ({
  tasks: [
    {
      type: 'upgrade',
      upgrade: {
        oldUpstreamRef: { name: oldName },
        newUpstreamRef: { name: newName },
        localPackageRevisionRef: { name: local },
        ...(strategy ? { strategy } : {}),
      },
    },
  ],
});

beforeAll(async () => {
  h = await createHarness();
  await h.addRepository('blueprints');
  // Upstream bp: v1 with cm.yaml, v2 changes cm.yaml and adds new.yaml.
  await create('bp', 'ws1');
  await setFiles('blueprints.bp.ws1', (f) => (f['cm.yaml'] = cm('cm', 'one')));
  await publish('blueprints.bp.ws1');
  await create('bp', 'ws2', { tasks: [{ type: 'edit', edit: { sourceRef: { name: 'blueprints.bp.ws1' } } }] });
  await setFiles('blueprints.bp.ws2', (f) => {
    f['cm.yaml'] = cm('cm', 'two');
    f['new.yaml'] = cm('new', 'true');
  });
  await publish('blueprints.bp.ws2');
  // Downstream site: a clone of bp v1 with a local file, published.
  await create('site', 'ws1', {
    tasks: [{ type: 'clone', clone: { upstreamRef: { upstreamRef: { name: 'blueprints.bp.ws1' } } } }],
  });
  await setFiles('blueprints.site.ws1', (f) => (f['local.yaml'] = cm('mine', 'true')));
  await publish('blueprints.site.ws1');
});
afterAll(async () => h?.close());

describe('upgrade task', () => {
  it('merges upstream changes into the local package (resource-merge) and points upstream at the new revision', async () => {
    const res = await create('site', 'ws2', upgrade('blueprints.bp.ws1', 'blueprints.bp.ws2', 'blueprints.site.ws1'));
    expect(res.spec.tasks[0].type).toBe('upgrade');
    expect(res.status.upstreamLock.git.ref).toBe('bp/v2');
    const files = (await h.call('GET', `${PRR}/blueprints.site.ws2`)).body.spec.resources;
    // Merged field by field; every resource carries kpt's merge keys afterwards.
    expect(files['cm.yaml']).toContain('value: two');
    expect(files['cm.yaml']).toContain('metadata: # kpt-merge: /cm');
    expect(files['cm.yaml']).toContain("internal.kpt.dev/upstream-identifier: '|ConfigMap|default|cm'");
    expect(files['new.yaml']).toContain("internal.kpt.dev/upstream-identifier: '|ConfigMap|default|new'");
    expect(files['local.yaml']).toContain('name: mine');
    expect(files.Kptfile).toContain('name: site');
    expect(files.Kptfile).toMatch(/ref: bp\/v2/);
    expect((await publish('blueprints.site.ws2')).spec.revision).toBe(2);
  });

  it('refuses what Porch refuses, and merges a field changed on both sides as kpt does', async () => {
    const unpublished = await create('site', 'ws3', {
      tasks: [{ type: 'edit', edit: { sourceRef: { name: 'blueprints.site.ws2' } } }],
    });
    void unpublished;
    const draftLocal = await post(
      'site',
      'ws4',
      upgrade('blueprints.bp.ws1', 'blueprints.bp.ws2', 'blueprints.site.ws3'),
    );
    expect(draftLocal.status).toBe(422);
    expect(draftLocal.body.message).toContain(
      'all source PackageRevisions of upgrade task must be published, "blueprints.site.ws3" is not',
    );
    const placeholder = await post(
      'site',
      'ws4',
      upgrade('blueprints.bp.ws1', 'blueprints.bp.main', 'blueprints.site.ws1'),
    );
    expect(placeholder.status).toBe(422);
    expect(placeholder.body.message).toContain(
      'target upstream revision may not be the placeholder package revision blueprints/blueprints.bp.main',
    );
    await setFiles('blueprints.site.ws3', (f) => (f['cm.yaml'] = cm('cm', 'local')));
    await publish('blueprints.site.ws3');
    const conflict = await post(
      'site',
      'ws4',
      upgrade('blueprints.bp.ws1', 'blueprints.bp.ws2', 'blueprints.site.ws3'),
    );
    // Both sides changed the same field: kpt's resource-merge takes upstream's value (no whole-file conflict).
    expect(conflict.status, JSON.stringify(conflict.body)).toBe(201);
    const merged = (await h.call('GET', `${PRR}/blueprints.site.ws4`)).body.spec.resources;
    expect(merged['cm.yaml']).toContain('value: two');
    await h.call('DELETE', `${PR}/blueprints.site.ws4`);
    const forced = await post(
      'site',
      'ws4',
      upgrade('blueprints.bp.ws1', 'blueprints.bp.ws2', 'blueprints.site.ws3', 'copy-merge'),
    );
    expect(forced.status, JSON.stringify(forced.body)).toBe(201);
  });

  it('refuses placeholders as sources with Porch’s texts', async () => {
    const edit = await post('bp', 'ws9', {
      tasks: [{ type: 'edit', edit: { sourceRef: { name: 'blueprints.bp.main' } } }],
    });
    expect(edit.status).toBe(422);
    expect(edit.body.message).toContain(
      'source revision may not be the placeholder package revision blueprints/blueprints.bp.main',
    );
    const clone = await post('fresh', 'ws1', {
      tasks: [{ type: 'clone', clone: { upstreamRef: { upstreamRef: { name: 'blueprints.bp.main' } } } }],
    });
    expect(clone.status).toBe(422);
    expect(clone.body.message).toContain(
      'upstream revision may not be the placeholder package revision blueprints/blueprints.bp.main',
    );
    const local = await post('site', 'ws9', upgrade('blueprints.bp.ws1', 'blueprints.bp.ws2', 'blueprints.site.main'));
    expect(local.status).toBe(422);
    expect(local.body.message).toContain(
      'source revision may not be the placeholder package revision blueprints/blueprints.site.main',
    );
  });

  it('blocks deleting the new upstream while an upgrade references it', async () => {
    const dp = await h.call('PUT', `${PR}/blueprints.bp.ws2`, {
      body: withLifecycle(await get('blueprints.bp.ws2'), 'DeletionProposed'),
    });
    expect(dp.status).toBe(200);
    const res = await h.call('DELETE', `${PR}/blueprints.bp.ws2`);
    expect(res.status).toBe(403);
    expect(res.body.message).toContain(
      'cannot delete package revision, it is referenced as upstream by: blueprints.site.ws',
    );
  });
});

describe('upgradeFiles strategies', () => {
  const lock = { type: 'git' as const, git: { repo: 'r.git', directory: 'bp', ref: 'bp/v2', commit: 'c2' } };
  const kptfile = 'apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: site\n';
  const oldUp = { Kptfile: kptfile, 'a.yaml': 'a1', 'gone.yaml': 'g' };
  const newUp = { Kptfile: kptfile, 'a.yaml': 'a2', 'b.yaml': 'b' };
  const local = { Kptfile: kptfile, 'a.yaml': 'a1', 'gone.yaml': 'g', 'mine.yaml': 'm' };
  it('resource-merge takes one-sided changes and deletions', () => {
    const r = upgradeFiles({
      oldUpstream: oldUp,
      newUpstream: newUp,
      local,
      newLock: lock,
      strategy: 'resource-merge',
    }) as { files: Record<string, string> };
    expect(Object.keys(r.files).sort()).toEqual(['Kptfile', 'a.yaml', 'b.yaml', 'mine.yaml']);
    expect(r.files['a.yaml']).toBe('a2');
    expect(r.files.Kptfile).toContain('commit: c2');
  });
  it('fast-forward refuses a modified local package; force-delete-replace drops local files', () => {
    expect(
      upgradeFiles({ oldUpstream: oldUp, newUpstream: newUp, local, newLock: lock, strategy: 'fast-forward' }),
    ).toEqual({ modified: ['mine.yaml'] });
    const r = upgradeFiles({
      oldUpstream: oldUp,
      newUpstream: newUp,
      local,
      newLock: lock,
      strategy: 'force-delete-replace',
    }) as { files: Record<string, string> };
    expect(Object.keys(r.files).sort()).toEqual(['Kptfile', 'a.yaml', 'b.yaml']);
  });
});
