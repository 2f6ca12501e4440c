/**
 * Discovery reads only the blobs of the packages it reads where the server can filter (lib/git/package-blobs.ts):
 * a large file beside the package directory never crosses the wire, a Kptfile symlinked to a file outside it is still
 * read, and the revisions are the same as from a server that cannot filter (which sends whole commits).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile, mkdir, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverRevisions, listRemoteRefs, type RemoteSpec } from '../../lib/git/index.js';
import { countingProxy } from '../support/counting-proxy.js';
import { createFixtureRepo, type FixtureRepo } from '../support/git-fixtures.js';
import { startGitServer, type GitServer } from '../support/git-server.js';

const ASSET = 2 * 1024 * 1024;
let root: string;
const servers: GitServer[] = [];
const repos: Record<string, FixtureRepo> = {};
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'porch-blobless-'));
  for (const allowFilter of [true, false]) {
    const repo = await createFixtureRepo(root, allowFilter ? 'filtering' : 'plain', { allowFilter });
    await repo.writePackage('pkgs/a');
    await mkdir(join(repo.workDir, 'site'), { recursive: true });
    await writeFile(join(repo.workDir, 'site', 'asset.bin'), randomBytes(ASSET));
    await writeFile(
      join(repo.workDir, 'site', 'Kptfile'),
      'apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: b\n',
    );
    await mkdir(join(repo.workDir, 'pkgs', 'b'), { recursive: true });
    await symlink('../../site/Kptfile', join(repo.workDir, 'pkgs', 'b', 'Kptfile'));
    await repo.commit('a and an asset');
    await repo.tag('pkgs/a/v1');
    await repo.push();
    repos[allowFilter ? 'filtering' : 'plain'] = repo;
  }
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await rm(root, { recursive: true, force: true });
});

describe('discovery of a package beside a large file', () => {
  it('fetches the package blobs only from a server that filters, the whole commit from one that cannot', async () => {
    const server = await startGitServer(root);
    servers.push(server);
    const seen: Record<string, { revisions: string[]; bytes: number; kptfileOfB?: string }> = {};
    for (const name of ['filtering', 'plain']) {
      const proxy = await countingProxy(server.url);
      try {
        const remote: RemoteSpec = {
          url: `${proxy.url}/${name}.git`,
          branch: 'main',
          directory: 'pkgs',
          timeoutMs: 10_000,
        };
        const { revisions } = await discoverRevisions(remote, await listRemoteRefs(remote));
        seen[name] = {
          revisions: revisions.map((r) => `${r.packagePath}#${r.revision}:${Object.keys(r.files).sort()}`).sort(),
          bytes: proxy.counts.answeredBytes,
          kptfileOfB: revisions.find((r) => r.packagePath === 'b')?.files.Kptfile,
        };
      } finally {
        await proxy.stop();
      }
    }
    expect(seen.filtering!.revisions).toEqual(seen.plain!.revisions);
    expect(seen.filtering!.revisions).toContain('b#-1:Kptfile');
    expect(seen.filtering!.kptfileOfB).toContain('name: b');
    expect(seen.filtering!.revisions.length).toBe(3);
    expect(seen.plain!.bytes).toBeGreaterThan(ASSET);
    expect(seen.filtering!.bytes).toBeLessThan(ASSET / 10);
  });
});
