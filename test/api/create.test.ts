import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, newRevision, NS, PR, PRR, type Harness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await createHarness();
  await h.addRepository('blueprints');
  await h.addRepository('deploy', { deployment: true });
});
afterAll(async () => h?.close());

const countRows = async () =>
  Number((await h.tdb.db.query('select count(*)::int as n from package_revisions')).rows[0].n);

describe('POST packagerevisions: init', () => {
  it('creates a Draft with Porch’s name, uid, self lock, default init task and files', async () => {
    const res = await h.call('POST', PR, {
      body: newRevision('blueprints', 'net/vpc', 'ws1', {
        metadata: { labels: { team: 'a' }, annotations: { note: 'n' } },
        spec: { packageMetadata: { labels: { env: 'dev' } }, readinessGates: [{ conditionType: 'Ready' }] },
      }),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const o = res.body;
    expect(o.kind).toBe('PackageRevision');
    expect(o.metadata.name).toBe('blueprints.net.vpc.ws1');
    expect(o.metadata.namespace).toBe(NS);
    expect(o.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(o.metadata.labels).toEqual({ team: 'a' });
    expect(o.metadata.annotations).toEqual({ note: 'n' });
    expect(o.spec).toMatchObject({
      packageName: 'net/vpc',
      repository: 'blueprints',
      workspaceName: 'ws1',
      lifecycle: 'Draft',
    });
    expect(o.spec.revision).toBeUndefined();
    expect(o.spec.tasks).toEqual([{ type: 'init', init: { description: 'net/vpc description' } }]);
    // Kptfile metadata mirrors into packageMetadata, including init's local-config annotation.
    expect(o.spec.packageMetadata).toEqual({
      labels: { env: 'dev' },
      annotations: { 'config.kubernetes.io/local-config': 'true' },
    });
    expect(o.spec.readinessGates).toEqual([{ conditionType: 'Ready' }]);
    expect(o.status.selfLock).toEqual({
      type: 'git',
      git: {
        repo: `${h.server.url}/blueprints.git`,
        directory: 'net/vpc',
        ref: 'drafts/net/vpc/ws1',
        commit: 'not-pushed',
      },
    });
    const prr = await h.call(
      'GET',
      `/apis/porch.kpt.dev/v1alpha1/namespaces/${NS}/packagerevisionresources/blueprints.net.vpc.ws1`,
    );
    expect(prr.status).toBe(200);
    expect(Object.keys(prr.body.spec.resources).sort()).toEqual(['Kptfile', 'README.md', 'package-context.yaml']);
    const kptfile: string = prr.body.spec.resources.Kptfile;
    expect(kptfile).toContain('name: vpc');
    expect(kptfile).toMatch(/labels:\n\s+env: dev/);
    expect(kptfile).toMatch(/readinessGates:\n\s+- conditionType: Ready/);
    expect(prr.body.metadata.uid).toBe(o.metadata.uid);
    expect(prr.body.metadata.resourceVersion).toBe(o.metadata.resourceVersion);
    expect(prr.body.spec.packageName).toBe('vpc');
  });

  it('records the caller as updated_by', async () => {
    const { rows } = await h.tdb.db.query(
      `select updated_by from package_revisions where name = 'blueprints.net.vpc.ws1'`,
    );
    expect(rows[0].updated_by).toBe('tester');
  });

  it('generates package-context.yaml with the package name for a clone into a deployment repository', async () => {
    const res = await h.call('POST', PR, {
      body: newRevision('deploy', 'site1', 'ws1', {
        spec: {
          tasks: [{ type: 'clone', clone: { upstreamRef: { upstreamRef: { name: 'blueprints.net.vpc.ws1' } } } }],
        },
      }),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.status.deployment).toBe(true);
    expect((await h.call('GET', `${PR}/deploy.site1.ws1`)).body.status.deployment).toBe(true);
    expect((await h.call('GET', `${PR}/blueprints.net.vpc.ws1`)).body.status.deployment).toBeUndefined();
    const listed = (await h.call('GET', PR)).body.items as { metadata: { name: string }; status: object }[];
    const deployment = (name: string) => listed.find((i) => i.metadata.name === name)?.status;
    expect(deployment('deploy.site1.ws1')).toMatchObject({ deployment: true });
    expect(deployment('blueprints.net.vpc.ws1')).not.toHaveProperty('deployment');
    expect(res.body.status.upstreamLock.git).toMatchObject({ ref: 'drafts/net/vpc/ws1', commit: 'not-pushed' });
    const prr = await h.call(
      'GET',
      `/apis/porch.kpt.dev/v1alpha1/namespaces/${NS}/packagerevisionresources/deploy.site1.ws1`,
    );
    expect(prr.body.spec.resources['package-context.yaml']).toContain('name: site1');
    expect(prr.body.spec.resources.Kptfile).toContain('name: site1');
    expect(prr.body.spec.resources.Kptfile).toMatch(/upstreamLock:/);
  });
});

describe('POST packagerevisions: init into a deployment repository', () => {
  it('writes init’s own package-context.yaml (data.name: example); only clone adds the deployment context (docs/porch-semantics.md §6)', async () => {
    const res = await h.call('POST', PR, { body: newRevision('deploy', 'fresh', 'ws1') });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const prr = await h.call('GET', `${PRR}/deploy.fresh.ws1`);
    const context: string = prr.body.spec.resources['package-context.yaml'];
    expect(context).toMatch(/data:\n\s+name: example\n/);
    expect(context).not.toContain('package-path');
    const blueprint = await h.call('GET', `${PRR}/blueprints.net.vpc.ws1`);
    expect(context).toBe(blueprint.body.spec.resources['package-context.yaml']);
  });
});

describe('POST packagerevisions: init.subpackage', () => {
  // Porch's init writes the package into the subdirectory only; its next step parses the root Kptfile to write
  // spec.packageMetadata/readinessGates and fails ("Kptfile is missing from the package"), removing the new revision.
  it('is refused (422, Porch’s text) because the package would have no root Kptfile; nothing is stored', async () => {
    const before = await countRows();
    const res = await h.call('POST', PR, {
      body: newRevision('blueprints', 'withsub', 'ws1', {
        spec: {
          packageMetadata: { labels: { a: 'b' } },
          tasks: [{ type: 'init', init: { subpackage: 'sub/dir', description: 'd' } }],
        },
      }),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.reason).toBe('Invalid');
    expect(res.body.message).toContain('PackageRevision.porch.kpt.dev "blueprints.withsub.ws1" is invalid');
    expect(res.body.message).toContain('spec.tasks[0].init.subpackage');
    expect(res.body.message).toContain('Kptfile is missing from the package');
    expect(await countRows()).toBe(before);
    expect((await h.call('GET', `${PR}/blueprints.withsub.ws1`)).status).toBe(404);
    const { rows } = await h.tdb.db.query(`select count(*)::int as n from packages where name = 'blueprints.withsub'`);
    expect(rows[0].n).toBe(0);
  });

  it('with an empty subpackage initialises the package root as usual', async () => {
    const res = await h.call('POST', PR, {
      body: newRevision('blueprints', 'nosub', 'ws1', {
        spec: { tasks: [{ type: 'init', init: { subpackage: '', description: 'd' } }] },
      }),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const prr = await h.call('GET', `${PRR}/blueprints.nosub.ws1`);
    expect(Object.keys(prr.body.spec.resources).sort()).toEqual(['Kptfile', 'README.md', 'package-context.yaml']);
  });
});

describe('POST packagerevisions: clone from a Git URL', () => {
  it('reads the directory at the ref and points upstream/upstreamLock at it', async () => {
    const src = await h.addRepository('src');
    await src.writePackage('basens', { 'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n' });
    const commit = await src.commit('basens v1');
    await src.tag('basens/v1');
    await src.push();
    const url = `${h.server.url}/src.git`;
    const res = await h.call('POST', PR, {
      body: newRevision('blueprints', 'cloned', 'ws1', {
        spec: {
          tasks: [
            {
              type: 'clone',
              clone: { upstreamRef: { type: 'git', git: { repo: url, ref: 'v1', directory: 'basens' } } },
            },
          ],
        },
      }),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.status.upstreamLock).toEqual({
      type: 'git',
      git: { repo: url, directory: 'basens', ref: 'v1', commit },
    });
    const prr = await h.call('GET', `${PRR}/blueprints.cloned.ws1`);
    expect(Object.keys(prr.body.spec.resources).sort()).toEqual(['Kptfile', 'ns.yaml']);
    expect(prr.body.spec.resources.Kptfile).toContain('name: cloned');
  });

  it('refuses a directory without a Kptfile (422) and answers 503 for an unreachable remote', async () => {
    const before = await countRows();
    const nothing = await h.call('POST', PR, {
      body: newRevision('blueprints', 'c2', 'ws1', {
        spec: {
          tasks: [
            {
              type: 'clone',
              clone: { upstreamRef: { git: { repo: `${h.server.url}/src.git`, ref: 'main', directory: 'nope' } } },
            },
          ],
        },
      }),
    });
    expect(nothing.status).toBe(422);
    const down = await h.call('POST', PR, {
      body: newRevision('blueprints', 'c3', 'ws1', {
        spec: {
          tasks: [
            {
              type: 'clone',
              clone: { upstreamRef: { git: { repo: 'http://127.0.0.1:9/x.git', ref: 'main', directory: 'a' } } },
            },
          ],
        },
      }),
    });
    expect(down.status).toBe(503);
    expect(await countRows()).toBe(before);
  });
});

describe('concurrent creates of one (ns, repo, package, ws)', () => {
  it('lets exactly one succeed; the other gets 409 with Porch’s text', async () => {
    const body = newRevision('blueprints', 'race', 'ws1');
    const results = await Promise.all([1, 2, 3].map(() => h.call('POST', PR, { body })));
    const codes = results.map((r) => r.status).sort();
    expect(codes).toEqual([201, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) {
      expect(r.body.reason).toBe('Conflict');
      expect(r.body.message).toMatch(
        /another request is already in progress to create package revision|already exists/,
      );
    }
    const { rows } = await h.tdb.db.query(
      `select count(*)::int as n from package_revisions where package = 'blueprints.race'`,
    );
    expect(rows[0].n).toBe(1);
  });

  it('answers the in-progress text while another transaction holds the create lock', async () => {
    const client = await h.tdb.db.connect();
    try {
      await client.query('begin');
      const { createKey } = await import('../../lib/api/package-revisions/locks.js');
      await client.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [
        createKey(NS, 'blueprints', 'held', 'ws1'),
      ]);
      const res = await h.call('POST', PR, { body: newRevision('blueprints', 'held', 'ws1') });
      expect(res.status).toBe(409);
      expect(res.body.message).toBe(
        `Operation cannot be fulfilled on packagerevisions.porch.kpt.dev "(new creation)": another request is already in progress to create package revision with details namespace="${NS}", repository="blueprints", package="held",workspace="ws1"`,
      );
    } finally {
      await client.query('rollback');
      client.release();
    }
  });
});
