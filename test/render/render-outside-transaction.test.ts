/** A PRR update renders with no transaction open and no lock held: a slow function blocks nobody. */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, newRevision, PR, PRR, type Harness } from '../api/harness.js';
import { writeFunctions } from './external-functions.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
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

describe('render outside the transaction', () => {
  it('holds no transaction and no advisory lock while an external function runs', async () => {
    const created = await h.call('POST', PR, { body: newRevision('blueprints', 'slow', 'ws1') });
    expect(created.status).toBe(201);
    const cur = (await h.call('GET', `${PRR}/blueprints.slow.ws1`)).body;
    cur.spec.resources.Kptfile = `${cur.spec.resources.Kptfile.trimEnd()}\npipeline:\n  validators:\n    - image: example.com/fns/slow:v1\n`;
    const pending = h.call('PUT', `${PRR}/blueprints.slow.ws1`, { body: cur });
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
    const res = await pending;
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status.renderStatus.result.items).toEqual([{ image: 'example.com/fns/slow:v1', exitCode: 0 }]);
  });
});
