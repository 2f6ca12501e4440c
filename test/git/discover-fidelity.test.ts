import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverRevisions } from '../../lib/git/discover-revisions.js';
import { listRemoteRefs } from '../../lib/git/list-remote-refs.js';
import { publishRevision } from '../../lib/git/publish-revision.js';
import type { DiscoveryResult, RemoteSpec } from '../../lib/git/types.js';
import { createFixtureRepo, kptfile, type FixtureRepo } from '../support/git-fixtures.js';
import { startGitServer, type GitServer } from '../support/git-server.js';

// Sync reads what git holds without altering it: a symlinked Kptfile makes a package (read through the link), and
// what a resource cannot hold (a name that is not UTF-8, a package over the limits) is skipped and reported.
process.env.PACKAGE_MAX_FILES = '5';
let root: string;
let server: GitServer;
let repo: FixtureRepo;
let remote: RemoteSpec;
let found: DiscoveryResult;
const LATIN1 = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x79, 0x61, 0x6d, 0x6c]); // "café.yaml" in Latin-1

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'porch-discover-fidelity-'));
  server = await startGitServer(root);
  repo = await createFixtureRepo(root, 'fid');
  const w = repo.workDir;
  await repo.write({ 'common/Kptfile': kptfile('shared'), 'pkgs/linked/cm.yaml': 'kind: ConfigMap\n' });
  await symlink('../../common/Kptfile', join(w, 'pkgs/linked/Kptfile'));
  await mkdir(join(w, 'pkgs/outward'), { recursive: true });
  await symlink('../../../outside', join(w, 'pkgs/outward/Kptfile'));
  await repo.writePackage('pkgs/latin', { 'ok.yaml': 'ok: 1\n' });
  await writeFile(Buffer.concat([Buffer.from(`${w}/pkgs/latin/`), LATIN1]), 'x: 1\n');
  await repo.writePackage('pkgs/big', Object.fromEntries([1, 2, 3, 4, 5].map((i) => [`f${i}.yaml`, `i: ${i}\n`])));
  await repo.commit('fixture');
  await repo.push();
  remote = { url: `${server.url}/fid.git`, branch: 'main', directory: 'pkgs', timeoutMs: 10_000 };
  found = await discoverRevisions(remote, await listRemoteRefs(remote));
});

afterAll(async () => {
  await server.stop();
  await rm(root, { recursive: true, force: true });
});

describe('discovery fidelity', () => {
  it('a symlinked Kptfile makes a package whose Kptfile is the linked file', () => {
    const linked = found.revisions.find((r) => r.packagePath === 'linked');
    expect(linked?.files).toEqual({ Kptfile: kptfile('shared'), 'cm.yaml': 'kind: ConfigMap\n' });
  });

  it('a Kptfile symlink leading out of the repository is reported, not followed', () => {
    expect(found.revisions.find((r) => r.packagePath === 'outward')).toBeUndefined();
    expect(found.skipped.map((s) => s.ref)).toContain('refs/heads/main:pkgs/outward');
  });

  it('a file whose name is not UTF-8 is reported and left out; its package is imported', () => {
    const latin = found.revisions.find((r) => r.packagePath === 'latin');
    expect(Object.keys(latin!.files).sort()).toEqual(['Kptfile', 'ok.yaml']);
    const report = found.skipped.find((s) => s.ref.startsWith('refs/heads/main:pkgs/latin/'));
    expect(report?.reason).toContain('not UTF-8');
  });

  it('a package over PACKAGE_MAX_FILES is skipped and reported', () => {
    expect(found.revisions.find((r) => r.packagePath === 'big')).toBeUndefined();
    const report = found.skipped.find((s) => s.ref === 'refs/heads/main:pkgs/big');
    expect(report?.reason).toContain('6 files; at most 5');
  });

  it('publishing the symlinked package unchanged keeps the symlink', async () => {
    const before = (await listRemoteRefs(remote))['refs/heads/main']!;
    const linked = found.revisions.find((r) => r.packagePath === 'linked')!;
    const result = await publishRevision(remote, {
      packagePath: 'linked',
      workspace: 'ws1',
      revision: 1,
      files: linked.files,
    });
    expect(await repo.bare('diff-tree', '-r', before, result.branchCommit)).toBe('');
    expect(await repo.bare('ls-tree', result.branchCommit, 'pkgs/linked/Kptfile')).toMatch(/^120000 /);
  });
});
