/**
 * The git client against a real Dulwich server (Debian's python3-dulwich, dulwich.web over wsgiref): protocol v0
 * only, thin-pack required, unadvertised capabilities and non-tip wants refused. Skipped, saying why, where no
 * Python has dulwich (.ci/run installs it).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBranch } from '../../lib/git/ensure-branch.js';
import { listRemoteRefs } from '../../lib/git/list-remote-refs.js';
import type { RemoteSpec } from '../../lib/git/types.js';
import { createFixtureRepo } from '../support/git-fixtures.js';
import { LOOPBACK_ONLY } from '../support/git-transport.js';
import { exercise, seed } from '../support/interop.js';

const SERVER = fileURLToPath(new URL('../support/dulwich-server.py', import.meta.url));
const python = ['python3', '/usr/bin/python3'].find(
  (bin) => spawnSync(bin, ['-c', 'import dulwich'], { stdio: 'ignore' }).status === 0,
);

describe.skipIf(!python)('against a real Dulwich server (skipped: no python3 with dulwich installed)', () => {
  let root: string;
  let child: ChildProcess;
  let url: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'porch-dulwich-'));
    child = spawn(python!, [SERVER, root], { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise<string>((ok, fail) => {
      child.stdout!.once('data', (c: Buffer) => ok(c.toString().trim()));
      child.once('exit', (code) => fail(new Error(`dulwich server exited with ${code}`)));
    });
    url = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    child?.kill();
    await rm(root, { recursive: true, force: true });
  });

  it('lists as the git CLI does, discovers, publishes and deletes; fsck stays clean', async () => {
    const repo = await seed(root, 'pkgs');
    await exercise(root, repo, `${url}/pkgs.git`);
  });

  it('creates the branch of an empty repository (createBranch)', async () => {
    const repo = await createFixtureRepo(root, 'empty', { empty: true });
    const remote: RemoteSpec = {
      url: `${url}/empty.git`,
      branch: 'main',
      directory: '',
      timeoutMs: 5000,
      allowedNetworks: LOOPBACK_ONLY,
    };
    const { head, created } = await ensureBranch(remote, true);
    expect(created).toBe(true);
    expect(await repo.bare('rev-parse', 'refs/heads/main')).toBe(head);
    await repo.bare('fsck', '--strict');
    expect(await listRemoteRefs(remote)).toEqual({ 'refs/heads/main': head });
  });
});
