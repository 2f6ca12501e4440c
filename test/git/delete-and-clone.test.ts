import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError } from '../../lib/errors.js';
import { deletePublishedRevision } from '../../lib/git/delete-revision.js';
import { ensureBranch } from '../../lib/git/ensure-branch.js';
import { readDirectoryAtRef } from '../../lib/git/read-directory.js';
import type { RemoteSpec } from '../../lib/git/types.js';
import { createFixtureRepo, kptfile, lsRemote, type FixtureRepo } from '../support/git-fixtures.js';
import { startGitServer, type GitServer } from '../support/git-server.js';

let root: string;
let server: GitServer;
let repo: FixtureRepo;
let remote: RemoteSpec;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'porch-delete-'));
  server = await startGitServer(root);
  repo = await createFixtureRepo(root, 'del');
  await repo.publishLikePorch({
    fullpath: 'pkgs/a',
    workspace: 'w1',
    revision: 1,
    task: { type: 'init' },
    files: { 'a.yaml': 'a: 1\n' },
  });
  await repo.setBranch('deletionProposed/pkgs/a/v1');
  await repo.writePackage('pkgs/b', { 'b.yaml': 'b: 1\n', 'deep/c.yaml': 'c: 1\n' });
  await repo.writePackage('upstream/basens', { 'ns.yaml': 'kind: Namespace\n' });
  await repo.commit('b and upstream');
  await repo.tag('upstream/basens/v3');
  await repo.tag('v9');
  await repo.setBranch('deletionProposed/pkgs/b/main');
  await repo.push();
  remote = { url: `${server.url}/del.git`, branch: 'main', directory: 'pkgs', timeoutMs: 5000 };
});

afterAll(async () => {
  await server.stop();
  await rm(root, { recursive: true, force: true });
});

const refs = () => lsRemote(root, repo.bareDir);

describe('deletePublishedRevision', () => {
  it('deletes the tag and deletionProposed branch of revision N, leaving the branch alone', async () => {
    const head = await repo.bare('rev-parse', 'main');
    await deletePublishedRevision(remote, { packagePath: 'a', revision: 1, workspace: 'w1' });
    const now = await refs();
    expect(now['refs/tags/pkgs/a/v1']).toBeUndefined();
    expect(now['refs/heads/deletionProposed/pkgs/a/v1']).toBeUndefined();
    expect(now['refs/heads/main']).toBe(head);
    // Already gone: not an error.
    await deletePublishedRevision(remote, { packagePath: 'a', revision: 1, workspace: 'w1' });
  });

  it('removes a placeholder package from the branch with a "Delete <fullpath>" commit', async () => {
    const head = await repo.bare('rev-parse', 'main');
    await deletePublishedRevision(remote, { packagePath: 'b', revision: -1, workspace: 'main' });
    const newHead = await repo.bare('rev-parse', 'main');
    expect(await repo.bare('log', '-1', '--format=%P|%B|%cn', newHead)).toBe(
      `${head}|Delete pkgs/b|Package Orchestration Service`,
    );
    expect(await repo.bare('ls-tree', '-r', '--name-only', newHead, 'pkgs/')).toBe('pkgs/a/Kptfile\npkgs/a/a.yaml');
    expect((await refs())['refs/heads/deletionProposed/pkgs/b/main']).toBeUndefined();
    // Directory absent: no new commit.
    await deletePublishedRevision(remote, { packagePath: 'b', revision: -1, workspace: 'main' });
    expect(await repo.bare('rev-parse', 'main')).toBe(newHead);
  });
});

describe('readDirectoryAtRef', () => {
  const source = () => ({ url: remote.url, timeoutMs: 5000 });

  it('resolves <directory>/<ref> first and returns files with the lock', async () => {
    const { files, lock } = await readDirectoryAtRef(source(), 'v3', 'upstream/basens');
    expect(files).toEqual({ Kptfile: kptfile('basens'), 'ns.yaml': 'kind: Namespace\n' });
    expect(lock).toEqual({
      repo: remote.url,
      directory: 'upstream/basens',
      ref: 'v3',
      commit: await repo.bare('rev-parse', 'upstream/basens/v3^{commit}'),
    });
  });

  it('falls back to <ref> as a branch or tag, and refuses a directory without Kptfile or an unknown ref', async () => {
    const viaBranch = await readDirectoryAtRef(source(), 'main', '/upstream/basens/');
    expect(viaBranch.lock.commit).toBe(await repo.bare('rev-parse', 'main'));
    expect((await readDirectoryAtRef(source(), 'v9', 'upstream/basens')).lock.ref).toBe('v9');
    await expect(readDirectoryAtRef(source(), 'main', 'upstream')).rejects.toThrow(/cannot find package upstream@main/);
    const missing = readDirectoryAtRef(source(), 'nope', 'upstream/basens');
    await expect(missing).rejects.toThrow(/cannot find git reference/);
    await expect(missing).rejects.toMatchObject({ code: 422 } satisfies Partial<ApiError>);
  });
});

describe('ensureBranch', () => {
  it('returns an existing head, creates a missing branch only when asked', async () => {
    expect(await ensureBranch(remote, false)).toEqual({ head: await repo.bare('rev-parse', 'main'), created: false });
    const empty = await createFixtureRepo(root, 'empty', { empty: true });
    const r = { ...remote, url: `${server.url}/empty.git`, branch: 'porch' };
    await expect(ensureBranch(r, false)).rejects.toMatchObject({ code: 422, reason: 'Invalid' });
    await expect(ensureBranch(r, false)).rejects.toThrow('branch "porch" doesn\'t exist');
    const { head, created } = await ensureBranch(r, true);
    expect(created).toBe(true);
    expect(await empty.bare('rev-parse', 'porch')).toBe(head);
    expect(await empty.bare('log', '-1', '--format=%an <%ae>|%cn <%ce>|%s|%P', head)).toBe(
      'Package Orchestration Service <porch@kpt.dev>|Package Orchestration Service <porch@kpt.dev>|Initial commit: Creating main branch|',
    );
    expect(await empty.bare('show', `${head}:README.md`)).toBe('Created by porch');
  });
});
