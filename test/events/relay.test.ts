import type { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEventRelay } from '../../lib/events/event-relay.js';
import { chunkEvents, eventBridgePublisher } from '../../lib/events/publishers.js';
import { compactChangeLog, lockRelayCursor } from '../../lib/storage/change-log-state.js';
import { insertRepository } from '../../lib/storage/repositories.js';
import { syncRepository } from '../../lib/sync/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createFixtureRepo } from '../support/git-fixtures.js';
import { startGitServer, type GitServer } from '../support/git-server.js';
import { addPublished } from '../storage/fixtures.js';

let t: TestDatabase;
let git: GitServer;
let dir: string;
const options = { retentionSeconds: 900, relayGraceSeconds: 86_400 };

/** EventBridge faked at the SDK edge: records every PutEvents input; `refuse` makes one entry fail. */
function fakeBus(refuse?: (detail: any) => boolean) {
  const sent: { busName?: string; source?: string; detailType?: string; detail: any }[] = [];
  const send = async (command: PutEventsCommand) => {
    const entries = command.input.Entries ?? [];
    let failed = false;
    const out = entries.map((e) => {
      const detail = JSON.parse(e.Detail!);
      if (failed || refuse?.(detail)) {
        failed = true;
        return { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' };
      }
      sent.push({ busName: e.EventBusName, source: e.Source, detailType: e.DetailType, detail });
      return { EventId: String(sent.length) };
    });
    return { Entries: out };
  };
  return { sent, send, publisher: eventBridgePublisher('porch-events', send) };
}

beforeAll(async () => {
  t = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'porch-relay-'));
  const fixture = await createFixtureRepo(join(dir, 'git'), 'blueprints');
  await fixture.publishLikePorch({ fullpath: 'net', workspace: 'v1', revision: 1, task: { type: 'init', init: {} } });
  await fixture.push();
  git = await startGitServer(join(dir, 'git'));
});
afterAll(async () => {
  await git?.stop();
  await t?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('event relay', () => {
  it('publishes a publish and a sync as lifecycle events, in order, once', async () => {
    await insertRepository(t.db, {
      namespace: 'ns',
      name: 'blueprints',
      repoUrl: `${git.url}/blueprints.git`,
      branch: 'main',
      directory: '',
      spec: { type: 'git', git: { repo: `${git.url}/blueprints.git`, branch: 'main' } },
      updatedBy: 'me',
    });
    await addPublished(t.db, 'ns', 'blueprints', 'app', 'ws', 1);
    expect(await syncRepository(t.db, 'ns', 'blueprints')).toMatchObject({ ran: true, state: 'Ready' });

    const bus = fakeBus();
    const result = await runEventRelay(t.db, bus.publisher, options);
    expect(result.ran).toBe(true);
    const app = bus.sent.filter((e) => e.detail.name === 'blueprints.app.ws');
    expect(app.map((e) => [e.detail.previousLifecycle, e.detail.lifecycle])).toEqual([
      [null, 'Draft'],
      ['Draft', 'Proposed'],
      ['Proposed', 'Published'],
      // Published only in the database (no tag in git): the sync removes it, and says so.
      ['Published', null],
    ]);
    expect(app[3]!.detail.change).toBe('Deleted');
    expect(app[2]).toMatchObject({
      busName: 'porch-events',
      source: 'porch.kpt.dev',
      detailType: 'PackageRevision Lifecycle Changed',
      detail: {
        namespace: 'ns',
        repository: 'blueprints',
        packageName: 'app',
        revision: 1,
        change: 'LifecycleChanged',
        publishedBy: 'approver',
      },
    });
    // The sync imported the revision published in git and finished Ready.
    expect(bus.sent.some((e) => e.detail.name === 'blueprints.net.v1' && e.detail.change === 'Created')).toBe(true);
    const sync = bus.sent.filter((e) => e.detailType === 'Repository Sync Finished');
    expect(sync).toHaveLength(1);
    expect(sync[0]!.detail).toMatchObject({ name: 'blueprints', state: 'Ready', externalOnly: expect.any(Number) });
    const versions = bus.sent.map((e) => BigInt(e.detail.resourceVersion));
    expect(versions).toEqual([...versions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));

    const again = fakeBus();
    await runEventRelay(t.db, again.publisher, options);
    expect(again.sent).toEqual([]);
  });

  it('a refused event is retried on the next run, after the ones before it and before the ones after it', async () => {
    await addPublished(t.db, 'ns', 'blueprints', 'retry', 'ws', 1);
    const flaky = fakeBus((d) => d.name === 'blueprints.retry.ws' && d.lifecycle === 'Proposed');
    await runEventRelay(t.db, flaky.publisher, options);
    expect(flaky.sent.map((e) => e.detail.lifecycle)).toEqual(['Draft']);
    const healthy = fakeBus();
    await runEventRelay(t.db, healthy.publisher, options);
    expect(healthy.sent.filter((e) => e.detail.name === 'blueprints.retry.ws').map((e) => e.detail.lifecycle)).toEqual([
      'Proposed',
      'Published',
    ]);
  });

  it('a second relay running at the same time gives way instead of publishing out of order', async () => {
    await addPublished(t.db, 'ns', 'blueprints', 'busy', 'ws', 1);
    const bus = fakeBus();
    const result = await t.db.transaction(async (tx) => {
      await lockRelayCursor(tx);
      return runEventRelay(t.db, bus.publisher, options);
    });
    expect(result.ran).toBe(false);
    expect(bus.sent).toEqual([]);
  });

  it('publishes with no transaction of its own open, so compaction is not blocked meanwhile', async () => {
    await addPublished(t.db, 'ns', 'blueprints', 'open', 'ws', 1);
    const seen: { idleInTransaction: number; compacted: boolean }[] = [];
    const bus = fakeBus();
    const publisher = eventBridgePublisher('porch-events', async (command) => {
      const { rows } = await t.db.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity
          where datname = current_database() and state like 'idle in transaction%'`,
      );
      // Compaction takes the state row `for update`; with a lock timeout, waiting behind the relay is an error.
      const compacted = await t.db.transaction(async (tx) => {
        await tx.query(`set local lock_timeout = '2s'`);
        await compactChangeLog(tx, options);
        return true;
      });
      seen.push({ idleInTransaction: rows[0]!.n, compacted });
      return bus.send(command);
    });
    expect(await runEventRelay(t.db, publisher, options)).toMatchObject({ ran: true });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((s) => s.idleInTransaction === 0 && s.compacted)).toBe(true);
    expect(bus.sent.filter((e) => e.detail.name === 'blueprints.open.ws').map((e) => e.detail.lifecycle)).toEqual([
      'Draft',
      'Proposed',
      'Published',
    ]);
  });

  it('of two relays racing over the same entries only one moves the cursor; nothing is skipped', async () => {
    await addPublished(t.db, 'ns', 'blueprints', 'race', 'ws', 1);
    const inner = fakeBus();
    const outer = fakeBus();
    const cursor = async () =>
      (await t.db.query<{ v: string }>('select relay_cursor::text as v from change_log_state')).rows[0]!.v;
    let innerResult: Awaited<ReturnType<typeof runEventRelay>> | undefined;
    let innerCursor: string | undefined;
    // While the first relay publishes, a second one runs to the end over the same entries.
    const publisher = eventBridgePublisher('porch-events', async (command) => {
      if (!innerResult) {
        innerResult = await runEventRelay(t.db, inner.publisher, options);
        innerCursor = await cursor();
      }
      return outer.send(command);
    });
    const result = await runEventRelay(t.db, publisher, options);
    expect(innerResult).toMatchObject({ ran: true });
    const race = (sent: typeof inner.sent, name = 'blueprints.race.ws') =>
      sent.filter((e) => e.detail.name === name).map((e) => e.detail.lifecycle);
    expect(race(inner.sent)).toEqual(['Draft', 'Proposed', 'Published']);
    // The first relay's copies are duplicates (at least once); its cursor move loses and it stops.
    expect(result.ran).toBe(false);
    expect(race(outer.sent)).toEqual(['Draft', 'Proposed', 'Published']);
    expect(await cursor()).toBe(innerCursor);
    const after = fakeBus();
    await addPublished(t.db, 'ns', 'blueprints', 'next', 'ws', 1);
    await runEventRelay(t.db, after.publisher, options);
    // Only the new package's events: nothing before them is repeated, nothing skipped.
    expect(after.sent.every((e) => e.detail.packageName === 'next')).toBe(true);
    expect(race(after.sent, 'blueprints.next.ws')).toEqual(['Draft', 'Proposed', 'Published']);
  });

  it('one PutEvents call holds at most 10 events and one event per object', () => {
    const ev = (key: string) => ({
      detailType: 'Repository Sync Finished' as const,
      objectKey: key,
      resourceVersion: '1',
      time: new Date(),
      detail: {},
    });
    const chunks = chunkEvents([ev('a'), ev('b'), ev('a'), ...Array.from({ length: 12 }, (_, i) => ev(`k${i}`))]);
    expect(chunks.map((c) => c.length)).toEqual([2, 10, 3]);
  });
});
