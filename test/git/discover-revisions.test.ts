import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverRevisions } from '../../lib/git/discover-revisions.js';
import { listRemoteRefs } from '../../lib/git/list-remote-refs.js';
import type { DiscoveredRevision, RemoteSpec } from '../../lib/git/types.js';
import { createFixtureRepo, kptAnnotation, lsRemote, type FixtureRepo } from '../support/git-fixtures.js';
import { startGitServer, type GitServer } from '../support/git-server.js';

let root: string;
let server: GitServer;
let repo: FixtureRepo;
let remote: RemoteSpec;
const initTask = { type: 'init', init: { description: 'first' } };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'porch-discover-'));
  server = await startGitServer(root);
  repo = await createFixtureRepo(root, 'layout');
  // Revision 1 of basens published by Porch: annotated workspace "first", init task on the draft commit.
  await repo.publishLikePorch({
    fullpath: 'catalog/basens',
    workspace: 'first',
    revision: 1,
    task: initTask,
    files: { 'ns.yaml': 'kind: Namespace\n' },
  });
  // A package that later leaves the branch: reachable only through its non-numeric tag.
  await repo.writePackage('catalog/oai', { 'a.yaml': 'a: 1\n' });
  await repo.commit('oai');
  await repo.tag('catalog/oai/v2.0.0');
  await repo.remove('catalog/oai');
  // basens v2 by hand (annotated tag, no kpt annotation) and a numeric suffix without v.
  await repo.writePackage('catalog/basens', { 'ns.yaml': 'kind: Namespace\nmetadata: {name: two}\n' });
  await repo.commit('basens by hand');
  await repo.tag('catalog/basens/v2', { message: 'release two' });
  await repo.tag('catalog/basens/7');
  await repo.tag('catalog/basens/v0');
  await repo.tag('catalog/basens/v-5');
  await repo.tag('catalog/basens/Bad_Name');
  await repo.tag('release-1');
  // vpc with a nested package: on the branch it is one package; its sub package is reachable only via its tag.
  await repo.writePackage('catalog/net/vpc', { 'vpc.yaml': 'cidr: 10.0.0.0/16\n' });
  await repo.writePackage('catalog/net/vpc/sub', { 'sub.yaml': 'x: 1\n' });
  await repo.write({ 'catalog/net/vpc/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]) });
  await repo.write({ 'catalog/notapkg/readme.txt': 'no Kptfile\n' });
  await repo.writePackage('outside/pkg');
  await repo.commit(`vpc\n\n${kptAnnotation({ package: 'catalog/net/vpc', workspaceName: 'ignored-on-branch' })}`);
  await repo.tag('catalog/net/vpc/sub/v1');
  await repo.tag('catalog/notapkg/v1');
  await repo.tag('outside/pkg/v1');
  // Ignored branches and a deletion proposal for basens v2.
  await repo.setBranch('drafts/catalog/basens/ws1');
  await repo.setBranch('proposed/catalog/basens/ws2');
  await repo.setBranch('deletionProposed/catalog/basens/v2');
  await repo.push();
  remote = { url: `${server.url}/layout.git`, branch: 'main', directory: 'catalog', timeoutMs: 5000 };
});

afterAll(async () => {
  await server.stop();
  await rm(root, { recursive: true, force: true });
});

/** Files of `<fullpath>` at a commit, read with the git CLI; binary files (NUL bytes) left out as discovery does. */
async function cliFiles(commit: string, fullpath: string): Promise<Record<string, string>> {
  const names = (await repo.bare('ls-tree', '-r', '--name-only', commit, `${fullpath}/`)).split('\n').filter(Boolean);
  const files: Record<string, string> = {};
  for (const name of names) {
    const bytes = await catBlob(commit, name);
    if (!bytes.includes(0)) files[name.slice(fullpath.length + 1)] = bytes.toString('utf8');
  }
  return files;
}

function catBlob(commit: string, name: string): Promise<Buffer> {
  return new Promise((ok, fail) =>
    execFile('git', ['cat-file', 'blob', `${commit}:${name}`], { cwd: repo.bareDir, encoding: 'buffer' }, (e, out) =>
      e ? fail(e) : ok(out),
    ),
  );
}

const byKey = (revs: DiscoveredRevision[]) =>
  Object.fromEntries(revs.map((r) => [`${r.packagePath}@${r.workspace}#${r.revision}`, r]));

describe('listRemoteRefs', () => {
  it('returns what git ls-remote shows, annotated tags peeled', async () => {
    const cli = await lsRemote(root, remote.url);
    const expected: Record<string, string> = {};
    for (const [ref, oid] of Object.entries(cli)) {
      if (ref === 'HEAD' || ref.endsWith('^{}')) continue;
      expected[ref] = cli[`${ref}^{}`] ?? oid;
    }
    expect(await listRemoteRefs(remote)).toEqual(expected);
  });
});

describe('discoverRevisions', () => {
  it('finds placeholders, tag revisions and nested tag-only packages below the directory', async () => {
    const refs = await listRemoteRefs(remote);
    const { revisions, skipped } = await discoverRevisions(remote, refs, { repository: 'layout' });
    const found = byKey(revisions);
    expect(Object.keys(found).sort()).toEqual(
      [
        'basens@main#-1',
        'net/vpc@main#-1',
        'basens@first#1',
        'basens@v2#2',
        'basens@v7#7',
        'oai@v2.0.0#-1',
        'net/vpc/sub@v1#1',
      ].sort(),
    );
    const peeled = async (ref: string) => repo.bare('rev-parse', `${ref}^{commit}`);
    for (const [key, tag, full] of [
      ['basens@first#1', 'catalog/basens/v1', 'catalog/basens'],
      ['basens@v2#2', 'catalog/basens/v2', 'catalog/basens'],
      ['basens@v7#7', 'catalog/basens/7', 'catalog/basens'],
      ['oai@v2.0.0#-1', 'catalog/oai/v2.0.0', 'catalog/oai'],
      ['net/vpc/sub@v1#1', 'catalog/net/vpc/sub/v1', 'catalog/net/vpc/sub'],
      ['net/vpc@main#-1', 'main', 'catalog/net/vpc'],
      ['basens@main#-1', 'main', 'catalog/basens'],
    ] as const) {
      const rev = found[key]!;
      expect(rev.commit, key).toBe(await peeled(tag));
      expect(rev.files, key).toEqual(await cliFiles(rev.commit, full));
      expect(rev.ref, key).toBe(tag);
    }
    expect(found['net/vpc@main#-1']!.files['sub/Kptfile']).toBeDefined();
    expect(found['net/vpc@main#-1']!.files['logo.png']).toBeUndefined();
    expect(found['basens@first#1']!.tasks).toEqual([initTask]);
    expect(found['basens@v2#2']!.tasks).toEqual([]);
    expect(found['basens@v2#2']!.lifecycle).toBe('DeletionProposed');
    expect(found['basens@first#1']!.lifecycle).toBe('Published');
    expect(skipped.map((s) => s.ref).sort()).toEqual(
      ['refs/tags/catalog/basens/Bad_Name', 'refs/tags/catalog/basens/v-5', 'refs/tags/catalog/basens/v0'].sort(),
    );
    expect(skipped.find((s) => s.ref.endsWith('/v0'))!.reason).toMatch(/revision 0/);
  });

  it('examines only the refs asked for and reads files only where wanted', async () => {
    const refs = await listRemoteRefs(remote);
    const { revisions } = await discoverRevisions(remote, refs, {
      only: ['refs/tags/catalog/basens/v2', 'refs/tags/catalog/basens/7'],
      withFiles: (k) => k.revision === 7,
    });
    const found = byKey(revisions);
    expect(Object.keys(found).sort()).toEqual(['basens@v2#2', 'basens@v7#7']);
    expect(found['basens@v2#2']!.files).toEqual({});
    expect(Object.keys(found['basens@v7#7']!.files).sort()).toEqual(['Kptfile', 'ns.yaml']);
  });

  it('reads the whole repository when the directory is the root', async () => {
    const refs = await listRemoteRefs(remote);
    const { revisions } = await discoverRevisions({ ...remote, directory: '' }, refs, { withFiles: () => false });
    const keys = Object.keys(byKey(revisions));
    expect(keys).toContain('outside/pkg@v1#1');
    expect(keys).toContain('catalog/basens@first#1');
    expect(keys).toContain('outside/pkg@main#-1');
  });

  it('works against a server that refuses partial-clone filters', async () => {
    const plain = await createFixtureRepo(root, 'nofilter', { allowFilter: false });
    await plain.publishLikePorch({ fullpath: 'p', workspace: 'ws', revision: 1, task: initTask });
    await plain.push();
    const r = { ...remote, url: `${server.url}/nofilter.git`, directory: '' };
    const { revisions } = await discoverRevisions(r, await listRemoteRefs(r));
    expect(byKey(revisions)['p@ws#1']!.tasks).toEqual([initTask]);
  });
});

describe('refs that cannot be read', () => {
  it('are skipped with a reason while the rest is discovered', async () => {
    const tree = await repo.bare('rev-parse', 'main^{tree}');
    await repo.bare('tag', 'catalog/basens/v8', tree);
    try {
      const refs = await listRemoteRefs(remote);
      // A tag that vanished or moved between listing and fetching: the server no longer serves its old commit.
      refs['refs/tags/catalog/basens/v9'] = 'f'.repeat(40);
      const only = ['refs/tags/catalog/basens/v2', 'refs/tags/catalog/basens/v8', 'refs/tags/catalog/basens/v9'];
      const { revisions, skipped } = await discoverRevisions(remote, refs, { only });
      expect(revisions.map((r) => r.ref)).toEqual(['catalog/basens/v2']);
      expect(Object.fromEntries(skipped.map((s) => [s.ref, s.reason]))).toEqual({
        'refs/tags/catalog/basens/v8': expect.stringMatching(/is a tree, not a commit/),
        'refs/tags/catalog/basens/v9': expect.stringMatching(/cannot fetch/),
      });
    } finally {
      await repo.bare('tag', '-d', 'catalog/basens/v8');
    }
  });
});
