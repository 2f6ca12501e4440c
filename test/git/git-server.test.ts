import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixtureRepo, git, lsRemote, type FixtureRepo } from '../support/git-fixtures.js';
import { startGitServer, type GitServer } from '../support/git-server.js';

let root: string;
let server: GitServer;
let repo: FixtureRepo;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'porch-git-server-'));
  server = await startGitServer(root);
  repo = await createFixtureRepo(root, 'served');
  await repo.writePackage('pkgs/a');
  await repo.commit('add a');
  await repo.tag('pkgs/a/v1', { message: 'annotated' });
  await repo.push();
});

afterAll(async () => {
  await server.stop();
  await rm(root, { recursive: true, force: true });
});

describe('git test server', () => {
  it('lists the same refs over HTTP as the bare repository holds', async () => {
    const overHttp = await lsRemote(root, `${server.url}/served.git`);
    const local = await lsRemote(root, repo.bareDir);
    expect(overHttp).toEqual(local);
    expect(Object.keys(overHttp)).toContain('refs/tags/pkgs/a/v1^{}');
  });

  it('serves clones and accepts pushes over protocol v2', async () => {
    const clone = await mkdtemp(join(tmpdir(), 'porch-git-clone-'));
    try {
      await git(clone, '-c', 'protocol.version=2', 'clone', '--quiet', `${server.url}/served.git`, '.');
      expect(await git(clone, 'ls-tree', '-r', '--name-only', 'HEAD')).toContain('pkgs/a/Kptfile');
      await git(clone, 'commit', '--quiet', '--allow-empty', '-m', 'pushed over http');
      await git(clone, 'push', '--quiet', 'origin', 'HEAD:refs/heads/main');
      expect(await repo.bare('log', '-1', '--format=%s', 'main')).toBe('pushed over http');
    } finally {
      await rm(clone, { recursive: true, force: true });
    }
  });

  it('answers 404 for a repository that does not exist', async () => {
    const res = await fetch(`${server.url}/missing.git/info/refs?service=git-upload-pack`);
    expect(res.status).toBe(404);
  });
});
