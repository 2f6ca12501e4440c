/**
 * 20 simultaneous approvals of different packages in one repository all succeed (they take turns; before, the
 * branch compare-and-set failed a quarter of them with 503). Distinct numbers for drafts of one package under
 * concurrency are checked by process-kill.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, PR, newRevision, withLifecycle, type Harness } from '../api/harness.js';
import { git } from '../support/git-fixtures.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  await h.addRepository('busy');
});
afterAll(() => h?.close());

async function proposed(pkg: string, ws = 'ws') {
  const created = await h.call('POST', PR, { body: newRevision('busy', pkg, ws) });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const res = await h.call('PUT', `${PR}/${created.body.metadata.name}`, {
    body: withLifecycle(created.body, 'Proposed'),
  });
  expect(res.status).toBe(200);
  return res.body;
}
const approve = (obj: { metadata: { name: string } }) =>
  h.call('PUT', `${PR}/${obj.metadata.name}/approval`, { body: withLifecycle(obj, 'Published') });

describe('concurrent approvals in one repository', () => {
  it('20 approvals of different packages at once: 20 × 200, every package tagged and on the branch', async () => {
    const drafts = [];
    for (let i = 0; i < 20; i++) drafts.push(await proposed(`p${String(i).padStart(2, '0')}`));
    const results = await Promise.all(drafts.map(approve));
    for (const r of results) expect(r.status, JSON.stringify(r.body)).toBe(200);
    const bare = h.repos.busy!.bareDir;
    await git(bare, 'fsck', '--strict', '--no-dangling');
    const tags = (await git(bare, 'tag', '-l')).split('\n').filter(Boolean);
    expect(tags.sort()).toEqual(drafts.map((d) => `${d.spec.packageName}/v1`).sort());
    const onBranch = (await git(bare, 'ls-tree', '--name-only', 'main')).split('\n');
    for (const d of drafts) expect(onBranch).toContain(d.spec.packageName);
    expect(new Set(results.map((r) => r.body.status.selfLock.git.commit)).size).toBe(20);
  });
});
