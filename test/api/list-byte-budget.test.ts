import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, newRevision, PR, PRR, type Harness } from './harness.js';

// A list answers at most LIST_MAX_BYTES of items per page (plus the one item a page always carries) and says where
// to continue: one `GET packagerevisionresources?limit=500` must never build a response over the Lambda limit.
const BUDGET = 256 * 1024;
process.env.LIST_MAX_BYTES = String(BUDGET);

let h: Harness;
const FILE = 'x'.repeat(100 * 1024);

beforeAll(async () => {
  h = await createHarness({ maxBodyBytes: 1024 * 1024 });
  await h.addRepository('blueprints');
  for (let i = 0; i < 6; i++) {
    const name = `blueprints.app${i}.ws1`;
    expect((await h.call('POST', PR, { body: newRevision('blueprints', `app${i}`, 'ws1') })).status).toBe(201);
    const cur = (await h.call('GET', `${PRR}/${name}`)).body;
    const body = { ...cur, spec: { ...cur.spec, resources: { ...cur.spec.resources, 'big.txt': FILE } } };
    expect((await h.call('PUT', `${PRR}/${name}`, { body })).status).toBe(200);
  }
});
afterAll(async () => h?.close());

describe('list responses are bounded by bytes', () => {
  it('packagerevisionresources pages at the budget and the pages together hold every item once', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const res = await h.call('GET', `${PRR}?limit=500${token ? `&continue=${token}` : ''}`);
      expect(res.status).toBe(200);
      pages++;
      const bytes = Buffer.byteLength(res.raw.body as string);
      // Two 100 KiB packages fit in 256 KiB, a third does not.
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      expect(bytes).toBeLessThanOrEqual(BUDGET + 16 * 1024);
      seen.push(...res.body.items.map((i: any) => i.metadata.name));
      token = res.body.metadata.continue;
    } while (token && pages < 10);
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4, 5].map((i) => `blueprints.app${i}.ws1`));
    expect(pages).toBe(3);
  });

  it('a page keeps its first item even when it alone is over the budget', async () => {
    const name = 'blueprints.app0.ws1';
    const cur = (await h.call('GET', `${PRR}/${name}`)).body;
    const body = {
      ...cur,
      spec: { ...cur.spec, resources: { ...cur.spec.resources, 'big2.txt': FILE, 'big3.txt': FILE } },
    };
    expect((await h.call('PUT', `${PRR}/${name}`, { body })).status).toBe(200);
    const res = await h.call('GET', `${PRR}?limit=500`);
    expect(res.body.items.map((i: any) => i.metadata.name)).toEqual([name]);
    expect(res.body.metadata.continue).toBeTruthy();
  });

  it('small items still come in one page up to the limit', async () => {
    const res = await h.call('GET', `${PR}?limit=500`);
    expect(res.body.items.length).toBeGreaterThanOrEqual(6);
    expect(res.body.metadata.continue).toBeUndefined();
  });
});
