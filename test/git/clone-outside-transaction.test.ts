/**
 * A clone from a git URL talks to git with no database transaction open (issue 12 item 3): while a trickling
 * server holds the clone, no session of the service sits idle in a transaction, and the operation deadline ends it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, newRevision, PR, type Harness } from '../api/harness.js';
import { type HostileServer, startHostileServer } from '../support/hostile-servers.js';

// Read by config() on first use, which comes after this line.
process.env.GIT_DEADLINE_MS = '4000';

let h: Harness;
let slow: HostileServer;

beforeAll(async () => {
  h = await createHarness();
  await h.addRepository('target');
  slow = await startHostileServer('trickle');
});
afterAll(async () => {
  await slow.stop();
  await h?.close();
});

const idleInTransaction = async () =>
  Number(
    (
      await h.tdb.db.query(
        `select count(*) as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`,
      )
    ).rows[0].n,
  );

describe('clone from a git URL', () => {
  it('holds no transaction while git is slow, and ends at the deadline with a 503', async () => {
    const started = Date.now();
    const pending = h.call('POST', PR, {
      body: newRevision('target', 'cloned', 'ws1', {
        spec: {
          tasks: [
            {
              type: 'clone',
              clone: { upstreamRef: { type: 'git', git: { repo: `${slow.url}/up.git`, ref: 'main', directory: '' } } },
            },
          ],
        },
      }),
    });
    await new Promise((ok) => setTimeout(ok, 1500));
    expect(slow.requests.length).toBeGreaterThan(0);
    expect(await idleInTransaction()).toBe(0);
    const res = await pending;
    expect(res.status).toBe(503);
    expect(res.body.message).toMatch(/timed out: not finished within 4000 ms/);
    expect(Date.now() - started).toBeLessThan(8000);
    expect((await h.call('GET', `${PR}/target.cloned.ws1`)).status).toBe(404);
  });
});
