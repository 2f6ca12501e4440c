/**
 * Review proof: a dry run runs the whole request inside one open transaction (runRolledBack), so the clone-from-git
 * read that createRevision deliberately does outside its transaction happens with a transaction open.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHarness, newRevision, PR, type Harness } from '../api/harness.js';

let h: Harness;
let slow: Server;
let arrived: () => void;
const requestArrived = new Promise<void>((ok) => {
  arrived = ok;
});

beforeAll(async () => {
  h = await createHarness();
  await h.addRepository('blueprints');
  // A forge that takes its time: answers 404 after 1.5 s.
  slow = createServer((_req, res) => {
    arrived();
    setTimeout(() => res.writeHead(404).end(), 1500);
  });
  await new Promise<void>((ok) => slow.listen(0, '127.0.0.1', ok));
});
afterAll(async () => {
  await new Promise<void>((ok) => slow.close(() => ok()));
  await h?.close();
});

it('holds no transaction open while a dry-run clone waits on git', async () => {
  const repo = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/up.git`;
  const body = newRevision('blueprints', 'net', 'ws1', {
    spec: {
      tasks: [{ type: 'clone', clone: { upstreamRef: { type: 'git', git: { repo, ref: 'main', directory: '/' } } } }],
    },
  });
  const pending = h.call('POST', PR, { body, query: { dryRun: 'All' } });
  await requestArrived;
  const { rows } = await h.tdb.db.query<{ n: number }>(
    `select count(*)::int as n from pg_stat_activity
      where datname = current_database() and state like 'idle in transaction%'`,
  );
  await pending;
  expect(rows[0]!.n).toBe(0);
});
