/**
 * The service rides out database outages without a restart: PostgreSQL restarted (fast and immediate) and random
 * backends terminated while 20 writers create revisions. Every write answered 2xx is there afterwards, failures are
 * 503s (never a 500), and the next request after the outage succeeds. The PostgreSQL is the test's own, so that it
 * can be restarted.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../lib/db/embedded.js';
import { migrate } from '../../lib/db/migrate.js';
import { openDatabase } from '../../lib/db/pool.js';
import { createHarness, NS, PR, newRevision, type Harness } from '../api/harness.js';

let server: EmbeddedServer;
let h: Harness;

beforeAll(async () => {
  server = await startEmbeddedPostgres(await mkdtemp(join(tmpdir(), 'porch-fault-pg-')), false);
  const db = await openDatabase({ connectionString: server.url, max: 10, connectionTimeoutMillis: 2000 });
  await migrate(db);
  h = await createHarness({ database: { db, url: server.url, drop: () => db.close() } });
  await h.addRepository('busy');
}, 60_000);
afterAll(async () => {
  await h?.close();
  await server?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** 20 writers creating revisions until `done()`; answers the names acknowledged and every status seen. */
async function writers(tag: string, done: () => boolean) {
  const acked: string[] = [];
  const statuses: Record<number, number> = {};
  const bodies: string[] = [];
  await Promise.all(
    Array.from({ length: 20 }, async (_, w) => {
      for (let i = 0; i < 400 && !done(); i++) {
        const res = await h.call('POST', PR, { body: newRevision('busy', `${tag}-${w}-${i}`, 'ws') });
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status === 201) acked.push(res.body.metadata.name);
        else {
          if (res.status !== 503) bodies.push(JSON.stringify(res.body));
          await sleep(20);
        }
      }
    }),
  );
  return { acked, statuses, bodies };
}

async function expectAllPresent(acked: string[]) {
  const { rows } = await h.tdb.db.query<{ name: string }>(
    'select name from package_revisions where namespace = $1 and name = any($2::text[])',
    [NS, acked],
  );
  expect(rows.map((r) => r.name).sort()).toEqual([...acked].sort());
}

describe('database outages under load', () => {
  it('PostgreSQL restarted fast, then immediate: every 2xx write is kept, only 503s, and the service recovers', async () => {
    let stop = false;
    const load = writers('restart', () => stop);
    await sleep(300);
    await server.restart('fast', 200);
    await sleep(400);
    await server.restart('immediate', 200);
    await sleep(400);
    stop = true;
    const { acked, statuses, bodies } = await load;
    expect(bodies).toEqual([]);
    expect(Object.keys(statuses).sort()).toEqual(['201', '503']);
    await expectAllPresent(acked);
    const after = await h.call('POST', PR, { body: newRevision('busy', 'after-restart', 'ws') });
    expect(after.status, JSON.stringify(after.body)).toBe(201);
  });

  it('random backends terminated under load: every 2xx write is kept, only 503s, and the service recovers', async () => {
    const admin = new pg.Client({ connectionString: server.url });
    admin.on('error', () => undefined);
    await admin.connect();
    let stop = false;
    const load = writers('kill', () => stop);
    let killed = 0;
    try {
      for (let round = 0; round < 30; round++) {
        await sleep(50);
        const { rows } = await admin.query<{ n: number }>(
          `select count(pg_terminate_backend(pid))::int as n from (
             select pid from pg_stat_activity
              where backend_type = 'client backend' and pid <> pg_backend_pid() and datname = current_database()
              order by random() limit 2) victims`,
        );
        killed += rows[0]!.n;
      }
    } finally {
      stop = true;
      await admin.end();
    }
    const { acked, statuses, bodies } = await load;
    expect(killed).toBeGreaterThan(0);
    expect(bodies).toEqual([]);
    expect(Object.keys(statuses).every((s) => s === '201' || s === '503')).toBe(true);
    expect(acked.length).toBeGreaterThan(0);
    await expectAllPresent(acked);
    const after = await h.call('POST', PR, { body: newRevision('busy', 'after-kills', 'ws') });
    expect(after.status, JSON.stringify(after.body)).toBe(201);
  });
});
