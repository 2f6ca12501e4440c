import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { send } from './http-client.js';

const dataDir = join(tmpdir(), `porch-main-test-${randomBytes(4).toString('hex')}`);
const children: ChildProcess[] = [];

/** Starts `npm start`'s entry point with the embedded PostgreSQL and waits for its "listening" line. */
function start(): Promise<{ child: ChildProcess; url: string; lines: any[] }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    PORCH_DATA_DIR: dataDir,
    SYNC_INTERVAL_SECONDS: '3600',
    LOCAL_USER: 'dora',
  };
  delete env.DATABASE_URL;
  delete env.API_TOKEN;
  const child = spawn(process.execPath, ['--import', 'tsx', 'lib/local/main.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: any[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" line: ${JSON.stringify(lines)}`)), 60_000);
    createInterface({ input: child.stdout! }).on('line', (text) => {
      const line = JSON.parse(text);
      lines.push(line);
      if (line.msg === 'listening') {
        clearTimeout(timer);
        resolve({ child, url: line.url, lines });
      }
      if (line.msg === 'start failed') reject(new Error(line.error));
    });
  });
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
  );

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm start (lib/local/main.ts)', () => {
  it('runs on an embedded PostgreSQL whose data survives a restart, and stops it on SIGINT/SIGTERM', async () => {
    const first = await start();
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.lines.find((l) => l.msg === 'migrations applied').applied.length).toBeGreaterThan(0);
    const postgresPid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    expect(alive(postgresPid)).toBe(true);
    const body = JSON.stringify({ metadata: { name: 'kept' }, spec: { git: { repo: 'http://127.0.0.1:9/none.git' } } });
    const created = await send(`${first.url}/apis/config.porch.kpt.dev/v1alpha1/namespaces/default/repositories`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(created.status).toBe(201);
    first.child.kill('SIGINT');
    expect(await exited(first.child)).toBe(0);
    expect(alive(postgresPid)).toBe(false);
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);

    const second = await start();
    expect(second.lines.find((l) => l.msg === 'migrations applied').applied).toEqual([]);
    const got = await send(`${second.url}/apis/config.porch.kpt.dev/v1alpha1/namespaces/default/repositories/kept`);
    expect(got.status).toBe(200);
    expect(got.json.metadata.name).toBe('kept');
    second.child.kill('SIGTERM');
    expect(await exited(second.child)).toBe(0);
  });
});
