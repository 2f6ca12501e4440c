import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, newRevision, PR, type Harness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await createHarness();
  await h.addRepository('blueprints');
  await h.addRepository('deploy', { deployment: true });
  // The Draft the duplicate and edit cases name.
  const draft = await h.call('POST', PR, { body: newRevision('blueprints', 'net/vpc', 'ws1') });
  if (draft.status !== 201) throw new Error(`seeding the Draft failed: ${JSON.stringify(draft.body)}`);
});
afterAll(async () => h?.close());

const countRows = async () =>
  Number((await h.tdb.db.query('select count(*)::int as n from package_revisions')).rows[0].n);

describe('POST packagerevisions: refusals of docs/porch-semantics.md §11.2 (docs/api.md codes, Porch texts), nothing stored', () => {
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
