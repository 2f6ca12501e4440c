/**
 * Removing the last finalizer of a published revision whose deletion was waiting for it deletes the revision from
 * git. With the git server hanging, that update must hold no transaction while it waits (docs/publish.md): no
 * session sits `idle in transaction`, reads answer, and the update fails alone, changing nothing.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHarness, newRevision, PR, withLifecycle, type Harness } from '../api/harness.js';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.js';

process.env.GIT_TIMEOUT_MS = '2500';

let h: Harness;
let proxy: FaultProxy;
const name = 'hung.app.ws1';
const get = () => h.call('GET', `${PR}/${name}`);
const put = async (body: unknown, path = '') => {
  const res = await h.call('PUT', `${PR}/${name}${path}`, { body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

beforeAll(async () => {
  h = await createHarness();
  proxy = await startFaultProxy(Number(new URL(h.server.url).port));
  await h.addRepository('hung', { url: `http://127.0.0.1:${proxy.port}/hung.git` });
  const created = await h.call('POST', PR, {
    body: newRevision('hung', 'app', 'ws1', { metadata: { finalizers: ['example.com/hold'] } }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const proposed = await put(withLifecycle(created.body, 'Proposed'));
  const published = await put(withLifecycle(proposed, 'Published'), '/approval');
  await put(withLifecycle(published, 'DeletionProposed'), '/approval');
  const deleting = await h.call('DELETE', `${PR}/${name}`);
  expect(deleting.body.metadata.deletionTimestamp).toBeTruthy();
});
afterAll(async () => {
  await proxy?.close();
  await h?.close();
});

it('removing the last finalizer holds no transaction while git hangs', async () => {
  const cur = (await get()).body;
  const { finalizers: _gone, ...metadata } = cur.metadata;
  proxy.mode = 'hang';
  proxy.dropAll(); // kept-alive connections would still pass
  const removing = h.call('PUT', `${PR}/${name}`, { body: { ...cur, metadata } });
  await new Promise((r) => setTimeout(r, 500)); // the update now waits on git
  const { rows } = await h.tdb.db.query<{ n: number }>(
    `select count(*)::int as n from pg_stat_activity
      where datname = current_database() and state like 'idle in transaction%'`,
  );
  expect(rows[0]!.n).toBe(0);
  const reads = await Promise.all([get(), h.call('GET', PR)]);
  for (const r of reads) expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect((await removing).status).toBe(503);
  // Nothing changed: the finalizer is still there, and a retry once git answers deletes the revision.
  proxy.mode = 'pass';
  const kept = (await get()).body;
  expect(kept.metadata.finalizers).toEqual(['example.com/hold']);
  const retry = await h.call('PUT', `${PR}/${name}`, { body: { ...kept, metadata } });
  expect(retry.status, JSON.stringify(retry.body)).toBe(200);
  expect((await get()).status).toBe(404);
});
