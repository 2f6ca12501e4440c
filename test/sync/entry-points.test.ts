/**
 * The Lambda handler and requestSync over the container's shared database (getDatabase from DATABASE_URL), as a
 * deployed function and the local server use them.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase } from '../../lib/db/pool.js';
import { parseSyncEvent } from '../../lib/sync/sync-event.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createFixtureRepo } from '../support/git-fixtures.js';
import { startGitServer, type GitServer } from '../support/git-server.js';
import { registerRepository, syncRow } from './support/sync-harness.js';

let t: TestDatabase;
let server: GitServer;

beforeAll(async () => {
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url; // read by the shared pool that the handler and requestSync use
  delete process.env.SYNC_FUNCTION_NAME;
  const root = await mkdtemp(join(tmpdir(), 'porch-sync-entry-'));
  server = await startGitServer(root);
  for (const name of ['one', 'two']) {
    const repo = await createFixtureRepo(root, name);
    await repo.writePackage('pkg');
    await repo.commit('a package');
    await repo.tag('pkg/v1');
    await repo.push();
    await registerRepository(t.db, { name, url: `${server.url}/${name}.git` });
  }
});
afterAll(async () => {
  await closeDatabase();
  await server?.stop();
  await t?.drop();
});

describe('sync entry points', () => {
  it('parseSyncEvent accepts {namespace, name} only', () => {
    expect(parseSyncEvent({ namespace: 'ns', name: 'r', extra: 1 })).toEqual({ namespace: 'ns', name: 'r' });
    expect(() => parseSyncEvent({ namespace: 'ns' })).toThrow('sync event must be');
    expect(() => parseSyncEvent(undefined)).toThrow('sync event must be');
  });

  it('the sync-repository handler syncs the repository of its event; a duplicate event is harmless', async () => {
    const { handler } = await import('../../functions/sync-repository.js');
    const [a, b] = await Promise.all([
      handler({ namespace: 'ns', name: 'one' }),
      handler({ namespace: 'ns', name: 'one' }),
    ]);
    // usually one finds the lock taken; if the first finished before the second started, the second is a no-change sync
    for (const r of [a, b]) expect(r.ran ? r.state : 'busy').toMatch(/^(Ready|busy)$/);
    expect([a, b].some((r) => r.ran)).toBe(true);
    expect(await syncRow(t.db, 'one')).toMatchObject({ state: 'Ready', package_count: 2 });
    expect(await handler({ namespace: 'ns', name: 'one' })).toMatchObject({
      ran: true,
      state: 'Ready',
      unchanged: true,
    });
    await expect(handler({ name: 'one' })).rejects.toThrow('sync event must be');
  });

  it('requestSync without SYNC_FUNCTION_NAME runs the sync in the background of this process', async () => {
    const { requestSync, settleBackgroundSyncs } = await import('../../lib/sync/request-sync.js');
    await requestSync('ns', 'two');
    await settleBackgroundSyncs();
    expect(await syncRow(t.db, 'two')).toMatchObject({ state: 'Ready', package_count: 2 });
  });

  it('requestSync with an invoker hands the repository to it', async () => {
    const { requestSync } = await import('../../lib/sync/request-sync.js');
    const seen: unknown[] = [];
    await requestSync('ns', 'x', async (target) => void seen.push(target));
    expect(seen).toEqual([{ namespace: 'ns', name: 'x' }]);
  });
});
