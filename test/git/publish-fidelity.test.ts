import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverRevisions } from '../../lib/git/discover-revisions.js';
import { listRemoteRefs } from '../../lib/git/list-remote-refs.js';
import { publishRevision } from '../../lib/git/publish-revision.js';
import { pushPublishTag } from '../../lib/git/publish-tag.js';
import type { RemoteSpec } from '../../lib/git/types.js';
import { ResourceError } from '../../lib/kpt/errors.js';
import { createFixtureRepo, kptfile, type FixtureRepo } from '../support/git-fixtures.js';
import { startGitServer, type GitServer } from '../support/git-server.js';

// Publishing must change only the resources of the package's directory: every other entry of the branch (outside the
// package, and the symlinks, submodules, binaries and modes inside it) keeps its bytes, mode and name, even names
// that are not UTF-8. Checked with git's own diff-tree against the real git server.
let root: string;
let server: GitServer;
let repo: FixtureRepo;
let remote: RemoteSpec;
let base: string;
const LATIN1_NAME = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x74, 0x78, 0x74]); // "café.txt" in Latin-1
const SUBMODULE = '1111111111111111111111111111111111111111';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'porch-fidelity-'));
  server = await startGitServer(root);
  repo = await createFixtureRepo(root, 'fid');
  const w = repo.workDir;
  await repo.writePackage('pkgs/app', {
    'cm.yaml': 'kind: ConfigMap\n',
    'old.yaml': 'old: 1\n',
    'run.sh': 'echo hi\n',
  });
  await chmod(join(w, 'pkgs/app/run.sh'), 0o755);
  await writeFile(join(w, 'pkgs/app/logo.bin'), Buffer.from([0x89, 0x50, 0x00, 0xff, 0x00]));
  await symlink('cm.yaml', join(w, 'pkgs/app/link.yaml'));
  await writeFile(join(w, 'pkgs/app/bom.yaml'), '\ufeffkind: Bom\n');
  await mkdir(Buffer.concat([Buffer.from(`${w}/pkgs/app/`), LATIN1_NAME]), { recursive: true });
  await writeFile(Buffer.concat([Buffer.from(`${w}/pkgs/app/`), LATIN1_NAME, Buffer.from('/inner.yaml')]), 'in: 1\n');
  await mkdir(join(w, 'other'), { recursive: true });
  await writeFile(Buffer.concat([Buffer.from(`${w}/other/`), LATIN1_NAME]), 'latin-1 name\n');
  await writeFile(join(w, 'other/tool.sh'), '#!/bin/sh\n');
  await chmod(join(w, 'other/tool.sh'), 0o755);
  await symlink('other/tool.sh', join(w, 'top-link'));
  await repo.work('add', '-A');
  await repo.work('update-index', '--add', '--cacheinfo', `160000,${SUBMODULE},pkgs/app/vendor`);
  await repo.work('update-index', '--add', '--cacheinfo', `160000,${SUBMODULE},outside-module`);
  // Committed without `add -A`, which would stage the submodules' missing work trees as deletions.
  await repo.work('commit', '--quiet', '-m', 'fixture');
  base = await repo.work('rev-parse', 'HEAD');
  await repo.push();
  remote = { url: `${server.url}/fid.git`, branch: 'main', directory: 'pkgs', timeoutMs: 10_000 };
});

afterAll(async () => {
  await server.stop();
  await rm(root, { recursive: true, force: true });
});

/** `git diff-tree -r` between two commits: one `<old mode> <new mode> <status> <path>` line per change. */
async function changes(from: string, to: string): Promise<string[]> {
  const out = await repo.bare('diff-tree', '-r', '-z', '--no-renames', from, to);
  const parts = out.split('\0').filter(Boolean);
  const lines: string[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const [oldMode, newMode, , , status] = parts[i]!.slice(1).split(' ');
    lines.push(`${oldMode} ${newMode} ${status} ${parts[i + 1]}`);
  }
  return lines;
}

describe('publish keeps what it does not own', () => {
  it('reads the package: text files with their BOM, no binary, symlink or submodule', async () => {
    const refs = await listRemoteRefs(remote);
    const { revisions } = await discoverRevisions(remote, refs);
    const app = revisions.find((r) => r.packagePath === 'app')!;
    expect(Object.keys(app.files).sort()).toEqual(['Kptfile', 'bom.yaml', 'cm.yaml', 'old.yaml', 'run.sh']);
    expect(app.files['bom.yaml']).toBe('\ufeffkind: Bom\n');
  });

  it('an unchanged edit changes nothing on the branch', async () => {
    const refs = await listRemoteRefs(remote);
    const { revisions } = await discoverRevisions(remote, refs);
    const app = revisions.find((r) => r.packagePath === 'app')!;
    const result = await publishRevision(remote, {
      packagePath: 'app',
      workspace: 'ws1',
      revision: 1,
      files: app.files,
    });
    expect(await changes(base, result.branchCommit)).toEqual([]);
    expect(await repo.bare('rev-parse', `${result.branchCommit}^{tree}`)).toBe(
      await repo.bare('rev-parse', `${base}^{tree}`),
    );
  });

  it('an edit rewrites only the changed resources, keeping modes and the entries it does not manage', async () => {
    const before = (await listRemoteRefs(remote))['refs/heads/main']!;
    const files = {
      Kptfile: kptfile('app'),
      'bom.yaml': '\ufeffkind: Bom\n',
      'cm.yaml': 'kind: ConfigMap\ndata: {}\n',
      'run.sh': 'echo bye\n',
      'new/n.yaml': 'n: 1\n',
    };
    const result = await publishRevision(remote, { packagePath: 'app', workspace: 'ws2', revision: 2, files });
    expect((await changes(before, result.branchCommit)).sort()).toEqual([
      '000000 100644 A pkgs/app/new/n.yaml',
      '100644 000000 D pkgs/app/old.yaml',
      '100644 100644 M pkgs/app/cm.yaml',
      '100755 100755 M pkgs/app/run.sh',
    ]);
    const listing = await repo.bare('ls-tree', '-r', '-z', '--full-tree', result.branchCommit);
    expect(listing).toContain(`160000 commit ${SUBMODULE}\tpkgs/app/vendor`);
    expect(listing).toContain('120000 blob');
    expect(listing).toContain('\tpkgs/app/logo.bin');
    expect(listing).toContain('/inner.yaml');
    const raw = Buffer.from(
      await new Promise<Buffer>((ok, fail) =>
        import('node:child_process').then(({ execFile }) =>
          execFile(
            'git',
            ['ls-tree', '-z', '--name-only', `${result.branchCommit}:other`],
            { cwd: repo.bareDir, encoding: 'buffer' },
            (e, out) => (e ? fail(e) : ok(out)),
          ),
        ),
      ),
    );
    expect(raw.includes(LATIN1_NAME)).toBe(true);
    await repo.bare('fsck', '--strict', '--no-dangling');
  });

  it('a resource named like an unmanaged entry replaces it', async () => {
    const before = (await listRemoteRefs(remote))['refs/heads/main']!;
    const files = { Kptfile: kptfile('app'), 'link.yaml': 'now: a file\n', 'vendor/v.yaml': 'v: 1\n' };
    const result = await publishRevision(remote, { packagePath: 'app', workspace: 'ws3', revision: 3, files });
    const lines = await changes(before, result.branchCommit);
    expect(lines).toContain('120000 100644 T pkgs/app/link.yaml');
    expect(lines).toContain('160000 000000 D pkgs/app/vendor');
    expect(lines).toContain('000000 100644 A pkgs/app/vendor/v.yaml');
    expect(lines.every((l) => l.split(' ')[3]!.startsWith('pkgs/app/'))).toBe(true);
    expect(await repo.bare('ls-tree', '-r', '--full-tree', '--name-only', result.branchCommit)).toContain(
      'pkgs/app/logo.bin',
    );
  });

  it.each([['.git/config'], ['.GIT/hooks/post-checkout'], ['a/\u0007bell.yaml'], ['git~1/x']])(
    'refuses %j before anything reaches git',
    async (path) => {
      const before = await listRemoteRefs(remote);
      const files = { Kptfile: kptfile('app'), [path]: 'x: 1\n' };
      const err = await pushPublishTag(remote, { packagePath: 'app', workspace: 'bad', revision: 9, files }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ResourceError);
      expect((err as ResourceError).code).toBe(422);
      expect(await listRemoteRefs(remote)).toEqual(before);
    },
  );
});
