import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { config } from '../../lib/config.js';
import { createHarness, newRevision, PR, PRR, type Harness } from './harness.js';

// A Lambda function may return 6 MB, and its payload carries the response body as a string, so the files of a
// package are escaped twice on the way out. PACKAGE_MAX_BYTES counts them that way: the largest package, made of
// the text that grows most when escaped, still comes back in one GET.
const LAMBDA_RESPONSE_LIMIT = 6_000_000;
const NAME = 'blueprints.app.ws1';
let h: Harness;

beforeAll(async () => {
  h = await createHarness({ maxBodyBytes: config().maxBodyBytes });
  await h.addRepository('blueprints');
  expect((await h.call('POST', PR, { body: newRevision('blueprints', 'app', 'ws1') })).status).toBe(201);
});
afterAll(async () => h?.close());

/** Bytes a file set takes in a Lambda payload, as PACKAGE_MAX_BYTES counts them (without the braces). */
const payloadBytes = (files: Record<string, string>) => Buffer.byteLength(JSON.stringify(JSON.stringify(files))) - 3;

describe('PACKAGE_MAX_BYTES', () => {
  it('defaults to 4 MiB', () => expect(config().packageMaxBytes).toBe(4 * 1024 * 1024));

  it('lets the largest package of quotes, backslashes and control characters be read in one GET under 6 MB', async () => {
    const max = config().packageMaxBytes;
    const cur = (await h.call('GET', `${PRR}/${NAME}`)).body;
    const files: Record<string, string> = { ...cur.spec.resources, 'a.txt': '', 'b.txt': '', 'c.txt': '' };
    // The budget left is filled with the costliest characters: `"` and `\` (4 bytes each), U+0001 (7 bytes).
    let left = max - payloadBytes(files);
    const quotes = Math.floor(left / 3 / 4);
    files['a.txt'] = '"'.repeat(quotes);
    files['b.txt'] = '\\'.repeat(quotes);
    left -= 8 * quotes;
    files['c.txt'] = `${'\u0001'.repeat(Math.floor(left / 7))}${'x'.repeat(left % 7)}`;
    expect(payloadBytes(files)).toBe(max);

    const put = await h.call('PUT', `${PRR}/${NAME}`, { body: { ...cur, spec: { ...cur.spec, resources: files } } });
    expect(put.status).toBe(200);
    const get = await h.call('GET', `${PRR}/${NAME}`);
    expect(get.status).toBe(200);
    expect(get.body.spec.resources['c.txt']).toBe(files['c.txt']);
    const payload = Buffer.byteLength(JSON.stringify(get.raw));
    expect(payload).toBeGreaterThan(max);
    expect(payload).toBeLessThan(LAMBDA_RESPONSE_LIMIT);

    // One more quote is over the bound: a 422 that stores nothing.
    const over = { ...files, 'a.txt': `${files['a.txt']}"` };
    const res = await h.call('PUT', `${PRR}/${NAME}`, {
      body: { ...get.body, spec: { ...get.body.spec, resources: over } },
    });
    expect(res.status).toBe(422);
    expect(res.body.message).toContain(`${max + 4} bytes in a response; at most ${max} are allowed`);
    const after = (await h.call('GET', `${PRR}/${NAME}`)).body;
    expect(after.metadata.resourceVersion).toBe(get.body.metadata.resourceVersion);
  });
});
