/**
 * Servers that attack the client (issue 12): each case runs the client in a child process with the service's
 * bounds and checks that it fails with a clear typed error, in bounded time, with its peak RSS bounded.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type HostileKind, type HostileServer, SECRET, startHostileServer } from '../support/hostile-servers.js';

const CLIENT = fileURLToPath(new URL('../support/hostile-client.ts', import.meta.url));
const MIB = 1024 * 1024;
/** Node, tsx and the service's modules take ~100 MiB; the bounds below allow 16 MiB of pack on top. */
const RSS_BOUND = 250 * MIB;

const servers: HostileServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
});

interface Outcome {
  ok: boolean;
  failure?: string;
  status?: number;
  message?: string;
  ms: number;
  peakRss: number;
}

/** Runs the client against `url` in a child; a child still running after 40 s is killed and fails the test. */
function runClient(url: string, deadlineMs: number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLIENT, url], {
      env: {
        ...process.env,
        GIT_ALLOWED_NETWORKS: '127.0.0.1/32',
        GIT_DEADLINE_MS: String(deadlineMs),
        GIT_MAX_PACK_BYTES: String(16 * MIB),
        POWERTOOLS_LOG_LEVEL: 'ERROR',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 40_000);
    child.on('close', (_code, signal) => {
      clearTimeout(killer);
      if (signal) reject(new Error(`client did not finish (killed by ${signal})`));
      else resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as Outcome);
    });
  });
}

/** The trickle case meets a 5 s deadline; the others a long one, so a loaded machine cannot turn them into timeouts. */
async function attack(kind: HostileKind): Promise<Outcome> {
  const server = await startHostileServer(kind);
  servers.push(server);
  const outcome = await runClient(`${server.url}/repo.git`, kind === 'trickle' ? 5000 : 30_000);
  expect(outcome.ok).toBe(false);
  expect(outcome.peakRss).toBeLessThan(RSS_BOUND);
  return outcome;
}

describe('hostile git servers', () => {
  it('a zlib bomb (16 bytes declared, 512 MiB inflated) is refused without inflating it', async () => {
    const o = await attack('zlib-bomb');
    expect(o.failure).toBe('too-large');
    expect(o.status).toBe(503);
  });

  it('an endless pack stops at the pack size bound', async () => {
    const o = await attack('endless-pack');
    expect(o.failure).toBe('too-large');
    // The body bound of the HTTP client or the pack bound of upload-pack, whichever the chunking reaches first.
    expect(o.message).toMatch(/(more than|larger than the limit of) \d+ bytes/);
  });

  it('a server trickling one byte every 2 s is cut off by the operation deadline', async () => {
    const o = await attack('trickle');
    expect(o.failure).toBe('timeout');
    expect(o.message).toMatch(/not finished within 5000 ms/);
    expect(o.ms).toBeLessThan(8000);
  });

  it('a ref advertisement of millions of refs stops at the ref bound', async () => {
    const o = await attack('huge-refs');
    expect(o.failure).toBe('too-large');
    expect(o.message).toMatch(/more refs than the limit of 100000/);
  });

  it('a non-git answer (a metadata endpoint) is reported by status only; its body appears nowhere', async () => {
    const o = await attack('secret');
    expect(o.failure).toBe('protocol');
    expect(o.message).toMatch(/is not a smart-HTTP git server/);
    expect(JSON.stringify(o)).not.toContain(SECRET.slice(0, 10));
  });
});
