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
  it('writes init’s own package-context.yaml (data.name: example); only clone adds the deployment context (docs/porch-behaviour.md §6)', async () => {
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

describe('POST packagerevisions: refusals of docs/porch-behaviour.md §11.2 (docs/api.md codes, Porch texts), nothing stored', () => {
  const cases: [string, unknown, number, string][] = [
    ['no repository', { spec: { packageName: 'p', workspaceName: 'w' } }, 400, 'spec.repositoryName is required'],
    ['unknown repository', newRevision('nope', 'p', 'w'), 404, 'repositories.config.porch.kpt.dev "nope" not found'],
    [
      'latest label',
      newRevision('blueprints', 'p', 'w', { metadata: { labels: { 'kpt.dev/latest-revision': 'true' } } }),
      422,
      'metadata.labels[kpt.dev/latest-revision]: Forbidden: label is managed by porch and cannot be set by users',
    ],
    [
      'lifecycle',
      newRevision('blueprints', 'p', 'w', { spec: { lifecycle: 'Published' } }),
      422,
      'spec.lifecycle: Invalid value: "Published": value can be only created as Draft',
    ],
    [
      'bad package name',
      newRevision('blueprints', 'Bad_Name', 'w'),
      422,
      'spec.packageName: Invalid value: "Bad_Name"',
    ],
    ['bad workspace', newRevision('blueprints', 'p', 'W!'), 422, 'spec.workspaceName: Invalid value: "W!"'],
    ['missing workspace', { spec: { repository: 'blueprints', packageName: 'p' } }, 422, 'spec.workspaceName'],
    [
      'two tasks',
      newRevision('blueprints', 'p', 'w', {
        spec: {
          tasks: [
            { type: 'init', init: {} },
            { type: 'init', init: {} },
          ],
        },
      }),
      422,
      'task list must not contain more than one task',
    ],
    [
      'unknown task type',
      newRevision('blueprints', 'p', 'w', { spec: { tasks: [{ type: 'render' }] } }),
      422,
      'task of type "render" not supported',
    ],
    [
      'init without body',
      newRevision('blueprints', 'p', 'w', { spec: { tasks: [{ type: 'init' }] } }),
      422,
      'init not set for task of type "init"',
    ],
    [
      'clone without body',
      newRevision('blueprints', 'p', 'w', { spec: { tasks: [{ type: 'clone' }] } }),
      422,
      'clone not set for task of type "clone"',
    ],
    [
      'edit without body',
      newRevision('blueprints', 'p', 'w', { spec: { tasks: [{ type: 'edit' }] } }),
      422,
      'edit not set for task of type "edit"',
    ],
    [
      'upgrade without body',
      newRevision('blueprints', 'p', 'w', { spec: { tasks: [{ type: 'upgrade' }] } }),
      422,
      'upgrade field not set for task of type "upgrade"',
    ],
    [
      'clone without source',
      newRevision('blueprints', 'p', 'w', { spec: { tasks: [{ type: 'clone', clone: { upstreamRef: {} } }] } }),
      422,
      'invalid clone source (neither of git, oci, nor upstream were specified)',
    ],
    [
      'clone with empty upstreamRef name',
      newRevision('blueprints', 'p', 'w', {
        spec: { tasks: [{ type: 'clone', clone: { upstreamRef: { upstreamRef: { name: '' } } } }] },
      }),
      422,
      'upstreamRef.name is required',
    ],
    [
      'clone of a missing revision',
      newRevision('blueprints', 'p', 'w', {
        spec: { tasks: [{ type: 'clone', clone: { upstreamRef: { upstreamRef: { name: 'blueprints.x.y' } } } }] },
      }),
      422,
      'cannot find package revision "blueprints.x.y"',
    ],
    [
      'clone from OCI',
      newRevision('blueprints', 'p', 'w', {
        spec: { tasks: [{ type: 'clone', clone: { upstreamRef: { oci: { image: 'x' } } } }] },
      }),
      422,
      'clone from OCI is not implemented',
    ],
    [
      'upgrade from a missing revision',
      newRevision('blueprints', 'p', 'w', {
        spec: {
          tasks: [
            {
              type: 'upgrade',
              upgrade: {
                oldUpstreamRef: { name: 'a' },
                newUpstreamRef: { name: 'b' },
                localPackageRevisionRef: { name: 'c' },
              },
            },
          ],
        },
      }),
      422,
      'cannot find package revision "a"',
    ],
    [
      'workspace equal to the branch',
      newRevision('blueprints', 'p', 'main'),
      422,
      'spec.workspaceName: Invalid value: "main"',
    ],
    // Segments are labels and the path without slashes ≤ 63, so a composed name cannot pass 253 unnoticed.
    [
      'name over 253 characters',
      newRevision('blueprints', Array(5).fill('a'.repeat(60)).join('/'), 'w'.repeat(63)),
      422,
      'spec.packageName: Invalid value',
    ],
    [
      'edit of a draft (unpublished source)',
      newRevision('blueprints', 'net/vpc', 'ws9', {
        spec: { tasks: [{ type: 'edit', edit: { sourceRef: { name: 'blueprints.net.vpc.ws1' } } }] },
      }),
      422,
      'source revision must be published',
    ],
    [
      'edit from another package',
      newRevision('blueprints', 'other', 'ws9', {
        spec: { tasks: [{ type: 'edit', edit: { sourceRef: { name: 'blueprints.net.vpc.ws1' } } }] },
      }),
      422,
      'source revision must be from same package blueprints/other',
    ],
    [
      'duplicate workspace',
      newRevision('blueprints', 'net/vpc', 'ws1'),
      409,
      'package revision workspaceNames must be unique; package revision with name net/vpc in repo blueprints with workspaceName ws1 already exists',
    ],
    [
      'init of an existing package',
      newRevision('blueprints', 'net/vpc', 'ws2'),
      409,
      'package "net/vpc" already exists in repository "blueprints"',
    ],
    [
      'clone into an existing package',
      newRevision('blueprints', 'net/vpc', 'ws2', {
        spec: {
          tasks: [{ type: 'clone', clone: { upstreamRef: { upstreamRef: { name: 'blueprints.net.vpc.ws1' } } } }],
        },
      }),
      409,
      '`clone` cannot create a new revision for package "net/vpc" that already exists in repo "blueprints"; make subsequent revisions using `copy`',
    ],
    [
      'nested below a package',
      newRevision('blueprints', 'net/vpc/sub', 'ws1'),
      409,
      'package path "net/vpc/sub" conflicts with existing package "net/vpc": packages cannot be nested',
    ],
    [
      'nested above a package',
      newRevision('blueprints', 'net', 'ws1'),
      409,
      'package path "net" conflicts with existing package "net/vpc": packages cannot be nested',
    ],
  ];

  it.each(cases)('%s', async (_title, body, status, text) => {
    const before = await countRows();
    const res = await h.call('POST', PR, { body });
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: status });
    expect(res.body.message).toContain(text);
    expect(await countRows()).toBe(before);
  });

  it('does not confuse packages that only share their last segment (full paths compared)', async () => {
    const res = await h.call('POST', PR, { body: newRevision('blueprints', 'other/vpc', 'ws1') });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });

  it('refuses malformed JSON and YAML, and a body over the limit, storing nothing', async () => {
    const before = await countRows();
    const json = await h.call('POST', PR, { body: '{"spec": ', headers: { 'content-type': 'application/json' } });
    expect(json.status).toBe(400);
    const yaml = await h.call('POST', PR, { body: 'spec: [unclosed', headers: { 'content-type': 'application/yaml' } });
    expect(yaml.status).toBe(400);
    const big = newRevision('blueprints', 'big', 'w', { metadata: { annotations: { x: 'y'.repeat(300 * 1024) } } });
    const large = await h.call('POST', PR, { body: big });
    expect(large.status).toBe(413);
    expect(await countRows()).toBe(before);
  });

  it('accepts a YAML body', async () => {
    const yaml =
      'apiVersion: porch.kpt.dev/v1alpha1\nkind: PackageRevision\nspec:\n  repository: blueprints\n  packageName: yaml-pkg\n  workspaceName: ws1\n';
    const res = await h.call('POST', PR, { body: yaml, headers: { 'content-type': 'application/yaml' } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.metadata.name).toBe('blueprints.yaml-pkg.ws1');
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
