import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it, inject } from 'vitest';

const dataDir = join(tmpdir(), `porch-start-errors-${randomBytes(4).toString('hex')}`);
const children: ChildProcess[] = [];

interface Run {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exit: Promise<number | null>;
}

function run(entry: string, env: NodeJS.ProcessEnv): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, SYNC_INTERVAL_SECONDS: '3600', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => stdout.push(l));
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout, stderr, exit };
}

const withoutDatabase = (env: NodeJS.ProcessEnv) => ({
  ...env,
  DATABASE_URL: undefined,
  DATABASE_SECRET_ARN: undefined,
});

/** All output of a finished run, which must be one error line without a stack trace. */
async function oneLineFailure(r: Run): Promise<string> {
  expect(await r.exit).toBe(1);
  await new Promise((resolve) => setImmediate(resolve));
  const lines = [...r.stdout, ...r.stderr].filter((l) => !/"msg":"shutting down"/.test(l));
  expect(lines.filter((l) => /^\s+at /.test(l))).toEqual([]);
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGINT');
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm start and npm run migrate fail with one line that says what to do', () => {
  it('a bad configuration value names the variable', async () => {
    const line = await oneLineFailure(run('lib/local/main.ts', { PORT: 'abc', PORCH_DATA_DIR: dataDir }));
    expect(line).toContain('PORT must be an integer in 0..65535, got \\"abc\\"');
  });

  it('npm run migrate without a database says it has no embedded PostgreSQL', async () => {
    const line = await oneLineFailure(run('lib/db/migrate-cli.ts', withoutDatabase({})));
    expect(line).toMatch(/DATABASE_URL/);
    expect(line).toMatch(/no embedded PostgreSQL/);
  });

  it('a port in use names PORT', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const r = run('lib/local/main.ts', { PORT: String(port), DATABASE_URL: inject('databaseUrl') });
      expect(await r.exit).toBe(1);
      const failure = r.stdout.map((l) => JSON.parse(l)).find((l) => l.msg === 'start failed');
      expect(failure.error).toBe(`port ${port} on 127.0.0.1 is in use: set PORT to a free port (0 picks one)`);
    } finally {
      busy.close();
    }
  });

  it('a second npm start on the same data directory says another server is running', async () => {
    const first = run('lib/local/main.ts', withoutDatabase({ PORT: '0', PORCH_DATA_DIR: dataDir }));
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (first.stdout.some((l) => l.includes('"msg":"listening"'))) resolve(clearInterval(timer));
        if (first.child.exitCode !== null) reject(new Error(first.stdout.join('\n')));
      }, 100);
    });
    const second = run('lib/local/main.ts', withoutDatabase({ PORT: '0', PORCH_DATA_DIR: dataDir }));
    const line = await oneLineFailure(second);
    expect(JSON.parse(line).error).toBe(
      `another porch-serverless server (pid ${first.child.pid}) is running on ${dataDir}: stop it, or set PORCH_DATA_DIR to another directory`,
    );
    first.child.kill('SIGINT');
    expect(await first.exit).toBe(0);
  });
});
