import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from '../support/git-fixtures.js';
import { createHarness, newRevision, PR, withLifecycle, type Harness } from './harness.js';

// A published revision whose deletion waits on a finalizer may be moved back to Published meanwhile; when the last
// finalizer then goes, the revision was removed from the database only: its tag stayed in git and the next sync
// brought it back. The deletion must remove it from git as for DeletionProposed (docs/porch-semantics.md §7.5).
let h: Harness;
const name = 'blueprints.app.ws1';
const get = async () => (await h.call('GET', `${PR}/${name}`)).body;
const put = async (body: unknown, path = '') => {
  const res = await h.call('PUT', `${PR}/${name}${path}`, { body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

beforeAll(async () => {
  h = await createHarness();
  await h.addRepository('blueprints');
  expect(
    (
      await h.call('POST', PR, {
        body: newRevision('blueprints', 'app', 'ws1', { metadata: { finalizers: ['example.com/hold'] } }),
      })
    ).status,
  ).toBe(201);
  await put(withLifecycle(await get(), 'Proposed'));
  await put(withLifecycle(await get(), 'Published'), '/approval');
});
afterAll(async () => h?.close());

describe('removing the last finalizer of a revision that went back to Published', () => {
  it('deletes its tag from git too', async () => {
    const bare = h.repos.blueprints!.bareDir;
    expect(await git(bare, 'tag', '--list', 'app/*')).toBe('app/v1');
    await put(withLifecycle(await get(), 'DeletionProposed'));
    const deleting = await h.call('DELETE', `${PR}/${name}`);
    expect(deleting.body.metadata.deletionTimestamp).toBeTruthy();
    await put(withLifecycle(await get(), 'Published'));
    const cur = await get();
    const { finalizers: _gone, ...metadata } = cur.metadata;
    await put({ ...cur, metadata });
    expect((await h.call('GET', `${PR}/${name}`)).status).toBe(404);
    expect(await git(bare, 'tag', '--list', 'app/*')).toBe('');
  });
});
