import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, newRevision, PR, type Harness } from './harness.js';

// Task bodies are free-form in the schema, so nothing checked their field types: a number or object where Porch's Go
// type has a string was written into the Kptfile (or crashed clone with a 500). Kubernetes' decoder refuses them (400).
let h: Harness;

beforeAll(async () => {
  h = await createHarness();
  await h.addRepository('blueprints');
});
afterAll(async () => h?.close());

const countRows = async () =>
  Number((await h.tdb.db.query('select count(*)::int as n from package_revisions')).rows[0].n);

describe('POST packagerevisions: task fields of the wrong JSON type', () => {
  const cases: [string, unknown, string][] = [
    ['init.description a number', { type: 'init', init: { description: 5 } }, 'spec.tasks[0].init.description'],
    ['init.keywords a string', { type: 'init', init: { keywords: 'a,b' } }, 'spec.tasks[0].init.keywords'],
    ['init.keywords a list of numbers', { type: 'init', init: { keywords: [1] } }, 'spec.tasks[0].init.keywords[0]'],
    ['init.site an object', { type: 'init', init: { site: { a: 1 } } }, 'spec.tasks[0].init.site'],
    [
      'clone git directory an object',
      {
        type: 'clone',
        clone: { upstreamRef: { git: { repo: 'http://127.0.0.1:1/x.git', ref: 'main', directory: { a: 1 } } } },
      },
      'spec.tasks[0].clone.upstreamRef.git.directory',
    ],
    [
      'clone git ref a number',
      { type: 'clone', clone: { upstreamRef: { git: { repo: 'http://127.0.0.1:1/x.git', ref: 5, directory: 'p' } } } },
      'spec.tasks[0].clone.upstreamRef.git.ref',
    ],
    [
      'edit sourceRef.name a number',
      { type: 'edit', edit: { sourceRef: { name: 5 } } },
      'spec.tasks[0].edit.sourceRef.name',
    ],
    [
      'upgrade strategy a list',
      {
        type: 'upgrade',
        upgrade: {
          oldUpstreamRef: { name: 'a' },
          newUpstreamRef: { name: 'b' },
          localPackageRevisionRef: { name: 'c' },
          strategy: ['x'],
        },
      },
      'spec.tasks[0].upgrade.strategy',
    ],
    ['the task itself null', null, 'spec.tasks[0]'],
  ];
  for (const [i, [what, task, field]] of cases.entries()) {
    it(`refuses ${what} (400) and stores nothing`, async () => {
      const before = await countRows();
      const res = await h.call('POST', PR, {
        body: newRevision('blueprints', `p${i}`, 'w', { spec: { tasks: [task] } }),
      });
      expect(res.status).toBe(400);
      expect(res.body.message).toContain(field);
      expect(await countRows()).toBe(before);
    });
  }

  it('still accepts null fields (Kubernetes decodes null as the zero value)', async () => {
    const res = await h.call('POST', PR, {
      body: newRevision('blueprints', 'ok', 'w', {
        spec: { tasks: [{ type: 'init', init: { description: null, keywords: null } }] },
      }),
    });
    expect(res.status).toBe(201);
  });
});

describe('POST packagerevisions: clone from a git URL this service cannot speak', () => {
  it('is a 422 naming the field, not a retryable 503', async () => {
    for (const repo of ['file:///etc', 'ssh://git@example.com/x.git', 'git@example.com:x.git']) {
      const task = { type: 'clone', clone: { upstreamRef: { git: { repo, ref: 'main', directory: 'p' } } } };
      const res = await h.call('POST', PR, {
        body: newRevision('blueprints', 'cloned', 'w', { spec: { tasks: [task] } }),
      });
      expect(res.status).toBe(422);
      expect(res.body.message).toContain('spec.tasks[0].clone.upstreamRef.git.repo');
    }
  });
});

describe('POST packagerevisions: upgrade with a strategy Porch does not have', () => {
  it('is a 422 naming the strategy, not silently a resource-merge', async () => {
    const upgrade = {
      oldUpstreamRef: { name: 'a' },
      newUpstreamRef: { name: 'b' },
      localPackageRevisionRef: { name: 'c' },
      strategy: 'merge-please',
    };
    const res = await h.call('POST', PR, {
      body: newRevision('blueprints', 'up', 'w', { spec: { tasks: [{ type: 'upgrade', upgrade }] } }),
    });
    expect(res.status).toBe(422);
    expect(res.body.message).toContain('spec.tasks[0].upgrade.strategy');
    expect(res.body.message).toContain('merge-please');
  });
});
