import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { send } from '../local/http-client.js';

let tdb: TestDatabase;
let dir: string;
const children: ChildProcess[] = [];

/** Starts `npm start`'s entry point with a token file; resolves with its URL, or rejects with its start error. */
function start(tokenFile: string): Promise<string> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    DATABASE_URL: tdb.url,
    PORCH_DATA_DIR: dir,
    SYNC_INTERVAL_SECONDS: '3600',
    TOKEN_AUTH_FILE: tokenFile,
    LOCAL_TLS: 'off',
  };
  delete env.API_TOKEN;
  const child = spawn(process.execPath, ['--import', 'tsx', 'lib/local/main.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no "listening" line')), 60_000);
    createInterface({ input: child.stdout! }).on('line', (text) => {
      const line = JSON.parse(text);
      if (line.msg === 'listening') {
        clearTimeout(timer);
        resolve(line.url);
      }
      if (line.msg === 'start failed') {
        clearTimeout(timer);
        reject(new Error(line.error));
      }
    });
  });
}

beforeAll(async () => {
  tdb = await createTestDatabase({ migrate: false });
  dir = await mkdtemp(join(tmpdir(), 'porch-token-file-'));
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await tdb?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('npm start with TOKEN_AUTH_FILE', () => {
  it('serves each token as its user, and nobody without one', async () => {
    const file = join(dir, 'tokens.csv');
    await writeFile(file, 'alice-token,alice,7,"team-a,staff"\n');
    const url = await start(file);
    const repos = `${url}/apis/config.porch.kpt.dev/v1alpha1/namespaces/team-a/repositories`;
    expect((await send(repos)).status).toBe(401);
    expect((await send(repos, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const denied = await send(repos, { headers: { authorization: 'Bearer alice-token' } });
    expect(denied.status).toBe(403);
    expect(denied.json.message).toContain('User "alice" cannot list resource "repositories"');
    const whoami = await send(`${url}/apis/authentication.k8s.io/v1/selfsubjectreviews`, {
      method: 'POST',
      headers: { authorization: 'Bearer alice-token', 'content-type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }),
    });
    expect(whoami.json.status.userInfo).toEqual({
      username: 'alice',
      uid: '7',
      groups: ['team-a', 'staff', 'system:authenticated'],
    });
  });

  it('refuses to start on a malformed token file, naming the line', async () => {
    const file = join(dir, 'bad.csv');
    await writeFile(file, 'ok,bob,1\nonly-a-token\n');
    await expect(start(file)).rejects.toThrow(/bad\.csv line 2/);
  });
});
