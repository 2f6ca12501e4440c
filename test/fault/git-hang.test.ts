/**
 * A git server that hangs during approvals must not take reads down with it: an approval holds no database
 * connection while it waits on git, so GETs and lists answer at once, and the approvals fail alone (503).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, PR, newRevision, withLifecycle, type Harness } from '../api/harness.js';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.js';

process.env.GIT_TIMEOUT_MS = '2500';

let h: Harness;
let proxy: FaultProxy;

beforeAll(async () => {
  h = await createHarness(); // a pool of 6 connections: fewer than the approvals below
  // A request waits at most this long for a pooled connection (production: 10 s against a 30 s git timeout).
  h.tdb.db.pool.options.connectionTimeoutMillis = 800;
  proxy = await startFaultProxy(Number(new URL(h.server.url).port));
  await h.addRepository('hung', { url: `http://127.0.0.1:${proxy.port}/hung.git` });
});
afterAll(async () => {
  await proxy?.close();
  await h?.close();
});

async function proposed(pkg: string) {
  const created = await h.call('POST', PR, { body: newRevision('hung', pkg, 'ws') });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const res = await h.call('PUT', `${PR}/${created.body.metadata.name}`, {
    body: withLifecycle(created.body, 'Proposed'),
  });
  expect(res.status).toBe(200);
  return res.body;
}

describe('a hanging git server', () => {
  it('10 approvals waiting on it do not make one GET or list fail or wait', async () => {
    const drafts = [];
    for (let i = 0; i < 10; i++) drafts.push(await proposed(`p${i}`));
    proxy.mode = 'hang';
    proxy.dropAll(); // kept-alive connections would still pass
    let settled = false;
    const approvals = Promise.all(
      drafts.map((d) => h.call('PUT', `${PR}/${d.metadata.name}/approval`, { body: withLifecycle(d, 'Published') })),
    ).finally(() => {
      settled = true;
    });
    await new Promise((r) => setTimeout(r, 300)); // the approvals are now waiting on git
    for (let round = 0; round < 3; round++) {
      const reads = await Promise.all([
        ...drafts.map((d) => h.call('GET', `${PR}/${d.metadata.name}`)),
        h.call('GET', PR),
        h.call('GET', `${PR}?limit=3`),
      ]);
      for (const r of reads) expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(settled).toBe(false);
    }
    const results = await approvals;
    for (const r of results) expect(r.status, JSON.stringify(r.body)).toBe(503);
    for (const d of drafts)
      expect((await h.call('GET', `${PR}/${d.metadata.name}`)).body.spec.lifecycle).toBe('Proposed');
    proxy.mode = 'pass';
    const d = (await h.call('GET', `${PR}/${drafts[0].metadata.name}`)).body;
    const again = await h.call('PUT', `${PR}/${d.metadata.name}/approval`, { body: withLifecycle(d, 'Published') });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
  });

  it('deletes waiting on it do not hold connections either', async () => {
    proxy.mode = 'pass';
    const published = [];
    for (let i = 0; i < 8; i++) {
      const d = await proposed(`gone${i}`);
      const res = await h.call('PUT', `${PR}/${d.metadata.name}/approval`, { body: withLifecycle(d, 'Published') });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const marked = await h.call('PUT', `${PR}/${d.metadata.name}/approval`, {
        body: withLifecycle(res.body, 'DeletionProposed'),
      });
      expect(marked.status).toBe(200);
      published.push(marked.body);
    }
    proxy.mode = 'hang';
    proxy.dropAll(); // kept-alive connections would still pass
    const deletes = Promise.all(published.map((d) => h.call('DELETE', `${PR}/${d.metadata.name}`)));
    await new Promise((r) => setTimeout(r, 300));
    const reads = await Promise.all([
      h.call('GET', PR),
      ...published.map((d) => h.call('GET', `${PR}/${d.metadata.name}`)),
    ]);
    for (const r of reads) expect(r.status, JSON.stringify(r.body)).toBe(200);
    for (const r of await deletes) expect(r.status).toBe(503);
    proxy.mode = 'pass';
  });
});
