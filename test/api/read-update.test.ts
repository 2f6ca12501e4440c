import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, newRevision, PR, PRR, withLifecycle, type Harness } from './harness.js';

let h: Harness;

const create = async (repo: string, pkg: string, ws: string, extra = {}) => {
  const res = await h.call('POST', PR, { body: newRevision(repo, pkg, ws, extra) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};

beforeAll(async () => {
  h = await createHarness();
  await h.addRepository('blueprints');
  await h.addRepository('other');
  for (let i = 0; i < 5; i++) await create('blueprints', `pkg${i}`, 'ws1');
  await create('other', 'app', 'ws1', { metadata: { labels: { team: 'x' } } });
});
afterAll(async () => h?.close());

describe('GET and list', () => {
  it('answers 404 in Porch’s wording', async () => {
    const res = await h.call('GET', `${PR}/blueprints.nope.ws1`);
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('packagerevisions.porch.kpt.dev "blueprints.nope.ws1" not found');
    const prr = await h.call('GET', `${PRR}/blueprints.nope.ws1`);
    expect(prr.body.message).toBe('packagerevisionresources.porch.kpt.dev "blueprints.nope.ws1" not found');
  });

  it('lists in name order with field and label selectors', async () => {
    const all = await h.call('GET', PR);
    expect(all.status).toBe(200);
    expect(all.body.kind).toBe('PackageRevisionList');
    expect(all.body.items.map((i: any) => i.metadata.name)).toEqual([
      'blueprints.pkg0.ws1',
      'blueprints.pkg1.ws1',
      'blueprints.pkg2.ws1',
      'blueprints.pkg3.ws1',
      'blueprints.pkg4.ws1',
      'other.app.ws1',
    ]);
    const byRepo = await h.call('GET', PR, { query: { fieldSelector: 'spec.repository=other' } });
    expect(byRepo.body.items.map((i: any) => i.metadata.name)).toEqual(['other.app.ws1']);
    const byLabel = await h.call('GET', PR, { query: { labelSelector: 'team=x' } });
    expect(byLabel.body.items.map((i: any) => i.metadata.name)).toEqual(['other.app.ws1']);
    const latest = await h.call('GET', PR, { query: { labelSelector: 'kpt.dev/latest-revision=true' } });
    expect(latest.body.items).toEqual([]);
  });

  it('pages with limit and continue', async () => {
    const first = await h.call('GET', PR, { query: { limit: '2' } });
    expect(first.body.items).toHaveLength(2);
    expect(first.body.metadata.continue).toBeTruthy();
    const names: string[] = first.body.items.map((i: any) => i.metadata.name);
    let token = first.body.metadata.continue;
    while (token) {
      const page = await h.call('GET', PR, { query: { limit: '2', continue: token } });
      names.push(...page.body.items.map((i: any) => i.metadata.name));
      token = page.body.metadata.continue;
    }
    expect(names).toHaveLength(6);
    expect(new Set(names).size).toBe(6);
  });

  it('lists across all namespaces', async () => {
    const res = await h.call('GET', '/apis/porch.kpt.dev/v1alpha1/packagerevisions');
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(6);
    const prr = await h.call('GET', '/apis/porch.kpt.dev/v1alpha1/packagerevisionresources', { query: { limit: '1' } });
    expect(prr.body.items).toHaveLength(1);
    expect(prr.body.items[0].spec.resources.Kptfile).toContain('kind: Kptfile');
  });

  it('answers a Table when kubectl asks for one', async () => {
    const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
    const res = await h.call('GET', PR, { headers: { accept }, query: { fieldSelector: 'spec.repository=other' } });
    expect(res.body.kind).toBe('Table');
    expect(res.body.columnDefinitions.map((c: any) => c.name)).toEqual([
      'Name',
      'Package',
      'WorkspaceName',
      'Revision',
      'Latest',
      'Lifecycle',
      'Repository',
    ]);
    expect(res.body.rows[0].cells).toEqual(['other.app.ws1', 'app', 'ws1', 0, false, 'Draft', 'other']);
    const prr = await h.call('GET', `${PRR}/other.app.ws1`, { headers: { accept } });
    expect(prr.body.columnDefinitions.map((c: any) => c.name)).toEqual([
      'Name',
      'Package',
      'WorkspaceName',
      'Revision',
      'Repository',
      'Files',
    ]);
    expect(prr.body.rows[0].cells).toEqual(['other.app.ws1', 'app', 'ws1', 0, 'other', 3]);
  });

  it('keeps SQL in a selector value as data, and refuses bad selectors with Porch’s texts', async () => {
    const before = (await h.tdb.db.query('select count(*)::int as n from package_revisions')).rows[0].n;
    const sql = await h.call('GET', PR, {
      query: { fieldSelector: "spec.repository=x';drop table package_revisions;--" },
    });
    expect([200, 400]).toContain(sql.status);
    if (sql.status === 200) expect(sql.body.items).toEqual([]);
    const lab = await h.call('GET', PR, { query: { labelSelector: "team in (x'),(y)" } });
    expect(lab.status).toBeLessThan(500);
    expect((await h.tdb.db.query('select count(*)::int as n from package_revisions')).rows[0].n).toBe(before);
    const op = await h.call('GET', PR, { query: { fieldSelector: 'spec.repository!=x' } });
    expect(op.status).toBe(400);
    expect(op.body.message).toContain('unsupported fieldSelector operator "!=" for field "spec.repository"');
    const unknown = await h.call('GET', PR, { query: { fieldSelector: 'spec.nope=x' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('"spec.nope" is not a known field selector');
  });

  it('answers 404 for names over 253 characters on every verb, storing nothing', async () => {
    const long = `blueprints.${'a'.repeat(250)}.ws1`;
    const before = (await h.tdb.db.query('select count(*)::int as n from package_revisions')).rows[0].n;
    expect((await h.call('GET', `${PR}/${long}`)).status).toBe(404);
    const body = { metadata: { name: long, resourceVersion: '1' }, spec: { lifecycle: 'Proposed' } };
    expect((await h.call('PUT', `${PR}/${long}`, { body })).status).toBe(404);
    expect(
      (await h.call('PUT', `${PRR}/${long}`, { body: { ...body, spec: { resources: { Kptfile: 'x' } } } })).status,
    ).toBe(404);
    expect((await h.call('PUT', `${PR}/${long}/approval`, { body })).status).toBe(404);
    expect((await h.call('DELETE', `${PR}/${long}`)).status).toBe(404);
    expect((await h.tdb.db.query('select count(*)::int as n from package_revisions')).rows[0].n).toBe(before);
  });

  it('answers a watch behind API Gateway with the events of a bounded window (docs/watch-and-events.md)', async () => {
    const res = await h.call('GET', PR, { query: { watch: 'true', timeoutSeconds: '1', sendInitialEvents: 'false' } });
    expect(res.status).toBe(200);
    expect(res.raw.body).toBe('');
  });
});

describe('PUT packagerevisionresources (docs/porch-semantics.md §6.1)', () => {
  it('replaces the files as a whole, re-derives Kptfile fields and moves the shared resourceVersion', async () => {
    const name = 'blueprints.pkg0.ws1';
    const cur = (await h.call('GET', `${PRR}/${name}`)).body;
    const kptfile = cur.spec.resources.Kptfile.replace('metadata:\n', 'metadata:\n  labels:\n    tier: gold\n');
    const body = {
      ...cur,
      spec: {
        ...cur.spec,
        resources: {
          Kptfile: kptfile,
          'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap # keep\nmetadata:\n  name: cm\n',
        },
      },
    };
    const res = await h.call('PUT', `${PRR}/${name}`, { body });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(Object.keys(res.body.spec.resources).sort()).toEqual(['Kptfile', 'app/cm.yaml']);
    expect(res.body.metadata.resourceVersion).not.toBe(cur.metadata.resourceVersion);
    const pr = (await h.call('GET', `${PR}/${name}`)).body;
    expect(pr.metadata.resourceVersion).toBe(res.body.metadata.resourceVersion);
    expect(pr.spec.packageMetadata.labels).toEqual({ tier: 'gold' });
    const stale = await h.call('PUT', `${PRR}/${name}`, { body });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toBe(
      'Operation cannot be fulfilled on packagerevisionresources.porch.kpt.dev "blueprints.pkg0.ws1": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('refuses unsafe paths (422 naming the path), a missing resourceVersion (409), and stores nothing', async () => {
    const name = 'blueprints.pkg1.ws1';
    const cur = (await h.call('GET', `${PRR}/${name}`)).body;
    for (const bad of ['/etc/passwd', '../escape.yaml', 'a/../../b', 'nul\u0000.yaml']) {
      const body = { ...cur, spec: { ...cur.spec, resources: { ...cur.spec.resources, [bad]: 'x: 1\n' } } };
      const res = await h.call('PUT', `${PRR}/${name}`, { body });
      expect(res.status, bad).toBe(422);
      expect(res.body.message).toContain(JSON.stringify(bad));
    }
    const { resourceVersion: _rv, ...metadata } = cur.metadata;
    const none = await h.call('PUT', `${PRR}/${name}`, { body: { ...cur, metadata } });
    expect(none.status).toBe(409);
    expect(none.body.message).toContain('resourceVersion must be specified for an update');
    const after = (await h.call('GET', `${PRR}/${name}`)).body;
    expect(after.spec.resources).toEqual(cur.spec.resources);
    expect(after.metadata.resourceVersion).toBe(cur.metadata.resourceVersion);
  });

  it('carries YAML comments of unchanged objects over from the previous files', async () => {
    const name = 'blueprints.pkg3.ws1';
    const cur = (await h.call('GET', `${PRR}/${name}`)).body;
    const commented = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm # the name\ndata:\n  a: "1" # first\n';
    const first = await h.call('PUT', `${PRR}/${name}`, {
      body: { ...cur, spec: { ...cur.spec, resources: { ...cur.spec.resources, 'cm.yaml': commented } } },
    });
    expect(first.status).toBe(200);
    const stripped = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: "2"\n';
    const second = await h.call('PUT', `${PRR}/${name}`, {
      body: {
        ...first.body,
        spec: { ...first.body.spec, resources: { ...first.body.spec.resources, 'cm.yaml': stripped } },
      },
    });
    expect(second.status).toBe(200);
    expect(second.body.spec.resources['cm.yaml']).toContain('# the name');
    expect(second.body.spec.resources['cm.yaml']).toContain('a: "2"');
  });

  it('refuses changes to a revision that is not a Draft', async () => {
    const name = 'blueprints.pkg2.ws1';
    const pr = (await h.call('GET', `${PR}/${name}`)).body;
    expect((await h.call('PUT', `${PR}/${name}`, { body: withLifecycle(pr, 'Proposed') })).status).toBe(200);
    const cur = (await h.call('GET', `${PRR}/${name}`)).body;
    const res = await h.call('PUT', `${PRR}/${name}`, { body: cur });
    expect(res.status).toBe(422);
    expect(res.body.message).toContain(
      'cannot update a package revision with lifecycle value "Proposed"; package must be Draft',
    );
  });
});

describe('PUT packagerevisions (docs/porch-semantics.md §4.3)', () => {
  it('moves Draft ⇄ Proposed and stores metadata as sent', async () => {
    const name = 'blueprints.pkg3.ws1';
    const cur = (await h.call('GET', `${PR}/${name}`)).body;
    const body = withLifecycle(
      { ...cur, metadata: { ...cur.metadata, labels: { a: 'b' }, annotations: { c: 'd' } } },
      'Proposed',
    );
    const proposed = await h.call('PUT', `${PR}/${name}`, { body });
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(200);
    expect(proposed.body.spec.lifecycle).toBe('Proposed');
    expect(proposed.body.metadata.labels).toEqual({ a: 'b' });
    expect(proposed.body.metadata.annotations).toEqual({ c: 'd' });
    const back = await h.call('PUT', `${PR}/${name}`, { body: withLifecycle(proposed.body, 'Draft') });
    expect(back.status).toBe(200);
    expect(back.body.spec.lifecycle).toBe('Draft');
  });

  it('writes packageMetadata, readinessGates and conditions of a Draft into its Kptfile, keeping comments', async () => {
    const name = 'blueprints.pkg4.ws1';
    const prr = (await h.call('GET', `${PRR}/${name}`)).body;
    const withComment = {
      ...prr,
      spec: {
        ...prr.spec,
        resources: { ...prr.spec.resources, Kptfile: `# top comment\n${prr.spec.resources.Kptfile}` },
      },
    };
    expect((await h.call('PUT', `${PRR}/${name}`, { body: withComment })).status).toBe(200);
    const cur = (await h.call('GET', `${PR}/${name}`)).body;
    const body = {
      ...cur,
      spec: { ...cur.spec, packageMetadata: { labels: { env: 'prod' } }, readinessGates: [{ conditionType: 'Gate' }] },
      status: { ...cur.status, conditions: [{ type: 'Gate', status: 'True', reason: 'Ok' }] },
    };
    const res = await h.call('PUT', `${PR}/${name}`, { body });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.spec.packageMetadata.labels).toEqual({ env: 'prod' });
    expect(res.body.spec.readinessGates).toEqual([{ conditionType: 'Gate' }]);
    expect(res.body.status.conditions).toEqual([
      { type: 'Gate', status: 'True', reason: 'Ok' },
      { type: 'Rendered', status: 'True', reason: 'RenderSuccess' },
    ]);
    const kptfile: string = (await h.call('GET', `${PRR}/${name}`)).body.spec.resources.Kptfile;
    expect(kptfile).toContain('# top comment');
    expect(kptfile).toMatch(/env: prod/);
    expect(kptfile).toMatch(/conditionType: Gate/);
  });

  it('refuses a stale or missing resourceVersion with 409 and Porch’s text', async () => {
    const name = 'other.app.ws1';
    const cur = (await h.call('GET', `${PR}/${name}`)).body;
    expect((await h.call('PUT', `${PR}/${name}`, { body: cur })).status).toBe(200);
    const stale = await h.call('PUT', `${PR}/${name}`, { body: cur });
    expect(stale.status).toBe(409);
    expect(stale.body.message).toBe(
      'Operation cannot be fulfilled on packagerevisions.porch.kpt.dev "other.app.ws1": the object has been modified; please apply your changes to the latest version and try again',
    );
    const { resourceVersion: _rv, ...metadata } = cur.metadata;
    const missing = await h.call('PUT', `${PR}/${name}`, { body: { ...cur, metadata } });
    expect(missing.status).toBe(409);
    expect(missing.body.message).toContain('resourceVersion must be specified for an update');
  });

  it('lets exactly one of two simultaneous updates with the same resourceVersion through', async () => {
    const name = 'other.app.ws1';
    const cur = (await h.call('GET', `${PR}/${name}`)).body;
    const a = { ...cur, metadata: { ...cur.metadata, labels: { who: 'a' } } };
    const b = { ...cur, metadata: { ...cur.metadata, labels: { who: 'b' } } };
    const results = await Promise.all([
      h.call('PUT', `${PR}/${name}`, { body: a }),
      h.call('PUT', `${PR}/${name}`, { body: b }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const loser = results.find((r) => r.status === 409)!;
    expect(loser.body.message).toMatch(
      /the object has been modified|another request is already in progress on package revision "ns1\/other.app.ws1"/,
    );
    const winner = results.find((r) => r.status === 200)!;
    expect((await h.call('GET', `${PR}/${name}`)).body.metadata.labels).toEqual(winner.body.metadata.labels);
  });

  it('refuses illegal lifecycle values and the latest label', async () => {
    const name = 'other.app.ws1';
    const cur = (await h.call('GET', `${PR}/${name}`)).body;
    const pub = await h.call('PUT', `${PR}/${name}`, { body: withLifecycle(cur, 'Published') });
    expect(pub.status).toBe(422);
    expect(pub.body.message).toContain(
      'spec.lifecycle: Invalid value: "Draft": value can be only updated to Draft,Proposed',
    );
    const odd = await h.call('PUT', `${PR}/${name}`, { body: withLifecycle(cur, 'Weird') });
    expect(odd.status).toBe(422);
    expect(odd.body.message).toContain(
      'spec.lifecycle: Invalid value: "Weird": value can be only updated to Draft,Proposed,Published,DeletionProposed',
    );
    const label = await h.call('PUT', `${PR}/${name}`, {
      body: { ...cur, metadata: { ...cur.metadata, labels: { 'kpt.dev/latest-revision': 'true' } } },
    });
    expect(label.status).toBe(422);
    expect(label.body.message).toContain(
      'metadata.labels[kpt.dev/latest-revision]: Forbidden: label is managed by porch and cannot be modified by users',
    );
    const mismatch = await h.call('PUT', `${PR}/blueprints.pkg0.ws1`, { body: cur });
    expect(mismatch.status).toBe(400);
  });

  it('answers PATCH as a merge patch', async () => {
    const res = await h.call('PATCH', `${PR}/other.app.ws1`, {
      body: { metadata: { annotations: { patched: 'yes' } } },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.metadata.annotations).toEqual({ patched: 'yes' });
  });
});

describe('DELETE of drafts, finalizers', () => {
  it('deletes a Draft (database only) and answers the object as it was', async () => {
    const obj = await create('blueprints', 'gone', 'ws1');
    const res = await h.call('DELETE', `${PR}/blueprints.gone.ws1`);
    expect(res.status).toBe(200);
    expect(res.body.metadata.name).toBe('blueprints.gone.ws1');
    expect(res.body.metadata.resourceVersion).toBe(obj.metadata.resourceVersion);
    expect((await h.call('GET', `${PR}/blueprints.gone.ws1`)).status).toBe(404);
    expect((await h.call('DELETE', `${PR}/blueprints.gone.ws1`)).status).toBe(404);
    const { rows } = await h.tdb.db.query(`select count(*)::int as n from packages where name = 'blueprints.gone'`);
    expect(rows[0].n).toBe(0);
  });

  it('with a finalizer sets deletionTimestamp; removing the last finalizer deletes', async () => {
    await create('blueprints', 'fin', 'ws1', { metadata: { finalizers: ['example.com/hold'] } });
    const name = 'blueprints.fin.ws1';
    const del = await h.call('DELETE', `${PR}/${name}`);
    expect(del.status).toBe(200);
    expect(del.body.metadata.deletionTimestamp).toBeTruthy();
    const cur = (await h.call('GET', `${PR}/${name}`)).body;
    expect(cur.metadata.deletionTimestamp).toBe(del.body.metadata.deletionTimestamp);
    const { finalizers: _f, ...metadata } = cur.metadata;
    const upd = await h.call('PUT', `${PR}/${name}`, { body: { ...cur, metadata } });
    expect(upd.status, JSON.stringify(upd.body)).toBe(200);
    expect((await h.call('GET', `${PR}/${name}`)).status).toBe(404);
  });
});
