import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BUFFERED_STREAM_BYTES, collectStream } from '../../lib/http/collect-stream.js';
import { createLocalHandlers } from '../../lib/local/handlers.js';
import { startLocalServer, type LocalServer } from '../../lib/local/server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { send } from '../local/http-client.js';
import { WatchClient } from './support/watch-client.js';

// One open watch per process for this file: the next one is refused.
vi.stubEnv('WATCH_MAX_OPEN', '1');

let t: TestDatabase;
let server: LocalServer;
let open: WatchClient | undefined;

beforeAll(async () => {
  t = await createTestDatabase();
  const handlers = createLocalHandlers({
    database: async () => t.db,
    log: () => undefined,
    requestSync: async () => {},
  });
  server = await startLocalServer({ port: 0, handlers, user: 'me', maxBodyBytes: 1 << 20, log: () => undefined });
});
afterAll(async () => {
  vi.unstubAllEnvs();
  open?.close();
  await server?.close();
  await t?.drop();
});

describe('watch limits', () => {
  it('refuses a watch beyond the open-watch limit with 429 and Retry-After', async () => {
    const path = `${server.url}/apis/porch.kpt.dev/v1alpha1/packagerevisions?watch=true&allowWatchBookmarks=true`;
    open = new WatchClient(path);
    await open.until((e) => e.some((x) => x.type === 'BOOKMARK'));
    const refused = await send(path);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json).toMatchObject({ kind: 'Status', reason: 'TooManyRequests' });
  });

  it('a buffered watch (API Gateway) answers about a second after its last event (a long poll)', async () => {
    const started = Date.now();
    const result = await collectStream({
      statusCode: 200,
      body: '',
      stream: async (sink) => {
        await sink.write('{"type":"ADDED","object":{}}\n');
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 20_000);
          sink.signal.addEventListener('abort', () => {
            clearTimeout(t);
            resolve();
          });
        });
      },
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.body).toBe('{"type":"ADDED","object":{}}\n');
  });

  it('a buffered watch (API Gateway) stops at whole events before the Lambda response limit', async () => {
    const line = `${JSON.stringify({ type: 'ADDED', object: { pad: 'x'.repeat(1024 * 1024) } })}\n`;
    let written = 0;
    const result = await collectStream({
      statusCode: 200,
      body: '',
      stream: async (sink) => {
        while (!sink.signal.aborted && written < 20) {
          await sink.write(line);
          written++;
        }
      },
    });
    const body = String(result.body);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(BUFFERED_STREAM_BYTES);
    expect(body.endsWith('\n')).toBe(true);
    expect(written).toBeLessThan(20);
    expect(result).not.toHaveProperty('stream');
  });
});
