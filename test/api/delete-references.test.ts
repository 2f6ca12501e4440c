/**
 * docs/porch-semantics.md §10 step 3: a revision named as upstream by the clone or upgrade task of any non-placeholder
 * revision cannot be deleted. A placeholder is revision -1 AND workspace = the repository's branch
 * (docs/porch-semantics.md §6); a revision imported from an unversioned tag is also revision -1 but is a real
 * downstream and must block.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../../lib/kpt/types.js';
import { insertDiscoveredRevision } from '../../lib/storage/revision-sync.js';
import { createHarness, newRevision, NS, PR, type Harness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await createHarness();
  await h.addRepository('blueprints');
});
afterAll(async () => h?.close());

const createDraft = async (pkg: string) => {
  const res = await h.call('POST', PR, { body: newRevision('blueprints', pkg, 'ws1') });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
};
const cloneOf = (name: string): Task[] => [
  { type: 'clone', clone: { upstreamRef: { upstreamRef: { name } } } } as Task,
];
const upgradeTo = (name: string): Task[] => [
  {
    type: 'upgrade',
    upgrade: { oldUpstreamRef: { name: 'x' }, newUpstreamRef: { name }, localPackageRevisionRef: { name: 'y' } },
  } as Task,
];

/**
 * A revision -1 row as sync imports it from git (tag `<path>/<workspace>` or, for the branch name, the placeholder).
 */
const importUnversioned = (packagePath: string, workspace: string, tasks: Task[]) =>
  insertDiscoveredRevision(
    h.tdb.db,
    NS,
    'blueprints',
    {
      packagePath,
      workspace,
      revision: -1,
      lifecycle: 'Published',
      tasks,
      selfLock: null,
      files: { Kptfile: `apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: ${packagePath}\n` },
    },
    'sync',
  );

describe('DELETE refused while referenced as upstream (docs/porch-semantics.md §10 step 3)', () => {
  it('counts a revision imported from an unversioned tag (revision -1, workspace not the branch)', async () => {
    await createDraft('base');
    await importUnversioned('site', 'snapshot', cloneOf('blueprints.base.ws1'));
    const res = await h.call('DELETE', `${PR}/blueprints.base.ws1`);
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    expect(res.body.message).toContain(
      'cannot delete package revision, it is referenced as upstream by: blueprints.site.snapshot',
    );
  });

  it('counts an upgrade task of such a revision too', async () => {
    await createDraft('base2');
    await importUnversioned('site2', 'snapshot', upgradeTo('blueprints.base2.ws1'));
    const res = await h.call('DELETE', `${PR}/blueprints.base2.ws1`);
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    expect(res.body.message).toContain('referenced as upstream by: blueprints.site2.snapshot');
  });

  it('ignores the placeholder (revision -1 on the branch)', async () => {
    await createDraft('base3');
    await importUnversioned('site3', 'main', cloneOf('blueprints.base3.ws1'));
    const res = await h.call('DELETE', `${PR}/blueprints.base3.ws1`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });
});
