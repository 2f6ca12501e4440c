import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revisionKey, waitLock } from '../../lib/api/package-revisions/locks.js';
import { createHarness, newRevision, NS, PR, PRR, withLifecycle, type Harness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await createHarness();
  await h.addRepository('blueprints');
  await h.addRepository('deploy', { deployment: true });
  await h.addRepository('moved');
  for (const [repo, pkg] of [
    ['blueprints', 'a'],
    ['deploy', 'd'],
    ['moved', 'm'],
  ]) {
    const res = await h.call('POST', PR, { body: newRevision(repo!, pkg!, 'ws1') });
    expect(res.status).toBe(201);
  }
  await h.tdb.db.query(
    `update repositories set meta = '{"annotations":{"porch.kpt.dev/v1alpha2-migration":"true"}}' where namespace = $1 and name = 'moved'`,
    [NS],
  );
});
afterAll(async () => h?.close());

/** Runs `fn` while another transaction holds the revision's lock, as a concurrent request would. */
async function whileLocked<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const client = await h.tdb.db.connect();
  try {
    await client.query('begin');
    await client.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [revisionKey(NS, name)]);
    return await fn();
  } finally {
    await client.query('rollback');
    client.release();
  }
}

describe('concurrent requests on one revision (docs/porch-semantics.md §11.3): 409, nothing changed', () => {
  const text = `another request is already in progress on package revision "${NS}/blueprints.a.ws1"`;

  it('PUT, approval and DELETE of the revision', async () => {
    const cur = (await h.call('GET', `${PR}/blueprints.a.ws1`)).body;
    await whileLocked('blueprints.a.ws1', async () => {
      const put = await h.call('PUT', `${PR}/blueprints.a.ws1`, { body: withLifecycle(cur, 'Proposed') });
      expect(put.status).toBe(409);
      expect(put.body.message).toBe(
        `Operation cannot be fulfilled on packagerevisions.porch.kpt.dev "blueprints.a.ws1": ${text}`,
      );
      const approve = await h.call('PUT', `${PR}/blueprints.a.ws1/approval`, { body: withLifecycle(cur, 'Published') });
      expect(approve.status).toBe(409);
      expect(approve.body.message).toContain(text);
      const del = await h.call('DELETE', `${PR}/blueprints.a.ws1`);
      expect(del.status).toBe(409);
      expect(del.body.message).toContain(text);
    });
    const after = (await h.call('GET', `${PR}/blueprints.a.ws1`)).body;
    expect(after.metadata.resourceVersion).toBe(cur.metadata.resourceVersion);
  });

  it('PUT of the revision’s resources', async () => {
    const cur = (await h.call('GET', `${PRR}/blueprints.a.ws1`)).body;
    await whileLocked('blueprints.a.ws1', async () => {
      const res = await h.call('PUT', `${PRR}/blueprints.a.ws1`, { body: cur });
      expect(res.status).toBe(409);
      expect(res.body.message).toContain(
        `another request is already in progress on package revision resources "${NS}/blueprints.a.ws1"`,
      );
    });
  });
});

describe('waiting locks', () => {
  it('give up after lock_timeout with the caller’s error, and free the lock at commit', async () => {
    const holder = await h.tdb.db.connect();
    try {
      await holder.query('begin');
      await waitLock(holder, 'k', () => new Error('unused'));
      await expect(h.tdb.db.transaction((tx) => waitLock(tx, 'k', () => new Error('busy'), 200))).rejects.toThrow(
        'busy',
      );
      await holder.query('commit');
      await h.tdb.db.transaction((tx) => waitLock(tx, 'k', () => new Error('busy'), 200));
    } finally {
      holder.release();
    }
  });
});

describe('repository handed over to v1alpha2', () => {
  it('refuses writes with 410 and Porch’s text', async () => {
    const create = await h.call('POST', PR, { body: newRevision('moved', 'n', 'ws1') });
    expect(create.status).toBe(410);
    expect(create.body.message).toBe('repository "moved" is managed by v1alpha2; use the v1alpha2 API');
    const cur = (await h.call('GET', `${PR}/moved.m.ws1`)).body;
    expect((await h.call('PUT', `${PR}/moved.m.ws1`, { body: withLifecycle(cur, 'Proposed') })).status).toBe(410);
    const prr = (await h.call('GET', `${PRR}/moved.m.ws1`)).body;
    expect((await h.call('PUT', `${PRR}/moved.m.ws1`, { body: prr })).status).toBe(410);
    expect((await h.call('DELETE', `${PR}/moved.m.ws1`)).status).toBe(410);
  });
});

describe('deployment flag', () => {
  it('shows status.deployment on list items of deployment repositories only', async () => {
    const res = await h.call('GET', PR);
    const flags = Object.fromEntries(res.body.items.map((i: any) => [i.metadata.name, i.status.deployment ?? false]));
    expect(flags).toEqual({ 'blueprints.a.ws1': false, 'deploy.d.ws1': true, 'moved.m.ws1': false });
  });
});
