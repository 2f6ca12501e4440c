/** Writes that render (PRR update, create, PR update) run their functions with no transaction open and no lock held. */
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, newRevision, PR, PRR, type Harness } from '../api/harness.js';
import { writeFunctions } from './external-functions.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const slow = 'example.com/fns/slow:v1';
let h: Harness;
let marker: string;

beforeAll(async () => {
  const fns = await writeFunctions(root);
  const config = join(dirname(fns['example.com/fns/slow']!), 'functions.json');
  await writeFile(config, JSON.stringify(fns));
  marker = join(dirname(config), 'slow.started');
  // Read by the service's configuration on first use, which comes later in this process.
  process.env.KRM_FUNCTIONS_FILE = config;
  process.env.KRM_CONTAINER_RUNTIME = 'off';
  h = await createHarness();
  await h.addRepository('blueprints');
});
afterAll(async () => h?.close());

/** Starts the request, waits until the slow function runs, and checks the database is free meanwhile. */
async function whileSlowRuns(request: () => ReturnType<Harness['call']>, readable: string) {
  await rm(marker, { force: true });
  const pending = request();
  const started = Date.now();
  while (!existsSync(marker) && Date.now() - started < 15_000) await new Promise((r) => setTimeout(r, 20));
  expect(existsSync(marker)).toBe(true);
  const { rows } = await h.tdb.db.query<{ open: string; locks: string }>(
    `select (select count(*) from pg_stat_activity
              where datname = current_database() and state like 'idle in transaction%') as open,
            (select count(*) from pg_locks l join pg_database d on d.oid = l.database
              where l.locktype = 'advisory' and d.datname = current_database()) as locks`,
  );
  expect(rows[0]).toEqual({ open: '0', locks: '0' });
  expect((await h.call('GET', readable)).status).toBe(200);
  expect(existsSync(marker)).toBe(true);
  return pending;
}

describe('render outside the transaction', () => {
  it('holds no transaction and no advisory lock while an external function runs', async () => {
    const created = await h.call('POST', PR, { body: newRevision('blueprints', 'slow', 'ws1') });
    expect(created.status).toBe(201);
    const cur = (await h.call('GET', `${PRR}/blueprints.slow.ws1`)).body;
    cur.spec.resources.Kptfile = `${cur.spec.resources.Kptfile.trimEnd()}\npipeline:\n  validators:\n    - image: ${slow}\n`;
    const res = await whileSlowRuns(() => h.call('PUT', `${PRR}/blueprints.slow.ws1`, { body: cur }), PR);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status.renderStatus.result.items).toEqual([{ image: slow, exitCode: 0 }]);
  });

  it('renders a clone with no transaction open, then stores it', async () => {
    const body = newRevision('blueprints', 'copy', 'ws1', {
      spec: { tasks: [{ type: 'clone', clone: { upstreamRef: { upstreamRef: { name: 'blueprints.slow.ws1' } } } }] },
    });
    const res = await whileSlowRuns(() => h.call('POST', PR, { body }), `${PR}/blueprints.slow.ws1`);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const prr = (await h.call('GET', `${PRR}/blueprints.copy.ws1`)).body;
    expect(prr.spec.resources.Kptfile).toContain(`image: ${slow}`);
    expect(prr.status.renderStatus?.error ?? '').toBe('');
    // A second create of the same workspace is still refused once the first is stored.
    expect((await h.call('POST', PR, { body: newRevision('blueprints', 'copy', 'ws1') })).status).toBe(409);
  });

  it('renders a PackageRevision update of a Draft with no transaction open, then stores it', async () => {
    const cur = (await h.call('GET', `${PR}/blueprints.slow.ws1`)).body;
    cur.spec.readinessGates = [{ conditionType: 'example.com/ready' }];
    const res = await whileSlowRuns(() => h.call('PUT', `${PR}/blueprints.slow.ws1`, { body: cur }), PR);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.spec.readinessGates).toEqual([{ conditionType: 'example.com/ready' }]);
    expect(res.body.metadata.resourceVersion).not.toBe(cur.metadata.resourceVersion);
    const prr = (await h.call('GET', `${PRR}/blueprints.slow.ws1`)).body;
    expect(prr.spec.resources.Kptfile).toContain('example.com/ready');
    // The version the render started from is gone: a write carrying it is refused.
    expect((await h.call('PUT', `${PR}/blueprints.slow.ws1`, { body: cur })).status).toBe(409);
  });
});
