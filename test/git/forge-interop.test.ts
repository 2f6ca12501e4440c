/**
 * The git client against servers that behave like the forges users run (test/support/forge-rules.ts): each must
 * list refs as the git CLI sees them, discover revisions (also the re-sync after a publish, which reads the
 * approval commit's second parent), publish and delete, with `git fsck --strict` clean after every write.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deletePublishedRevision } from '../../lib/git/delete-revision.js';
import { discoverRevisions } from '../../lib/git/discover-revisions.js';
import { listRemoteRefs } from '../../lib/git/list-remote-refs.js';
import { publishRevision } from '../../lib/git/publish-revision.js';
import type { RemoteSpec } from '../../lib/git/types.js';
import { createFixtureRepo, kptfile, lsRemote, type FixtureRepo } from '../support/git-fixtures.js';
import { startGitServer, type GitServer, type GitServerOptions } from '../support/git-server.js';
import { LOOPBACK_ONLY } from '../support/git-transport.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'porch-forges-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A repository with a placeholder package, a Porch-published v1 (lightweight tag) and an annotated v2 tag. */
async function seed(name: string): Promise<FixtureRepo> {
  const repo = await createFixtureRepo(root, name, { allowFilter: false });
  await repo.writePackage('pkgs/a');
  await repo.commit('a');
  await repo.publishLikePorch({ fullpath: 'pkgs/a', workspace: 'w1', revision: 1, task: { type: 'init' } });
  await repo.writePackage('pkgs/b');
  await repo.commit('b');
  await repo.tag('pkgs/b/v1', { message: 'annotated' });
  await repo.push();
  return repo;
}

const revisionsOf = async (remote: RemoteSpec) => {
  const { revisions, skipped } = await discoverRevisions(remote, await listRemoteRefs(remote));
  expect(skipped).toEqual([]);
  return revisions.map((r) => `${r.packagePath}#${r.revision}:${r.tasks[0]?.type ?? '-'}`).sort();
};

/** Peeled CLI view of heads and tags, as listRemoteRefs answers. */
async function cliView(repo: FixtureRepo): Promise<Record<string, string>> {
  const all = await lsRemote(root, repo.bareDir);
  const view: Record<string, string> = {};
  for (const [ref, oid] of Object.entries(all)) {
    if (ref === 'HEAD' || ref.endsWith('^{}')) continue;
    view[ref] = all[`${ref}^{}`] ?? oid;
  }
  return view;
}

async function exercise(repo: FixtureRepo, url: string, extra: Partial<RemoteSpec> = {}) {
  const remote: RemoteSpec = { url, branch: 'main', directory: 'pkgs', timeoutMs: 5000, ...extra };
  remote.allowedNetworks = LOOPBACK_ONLY;
  expect(await listRemoteRefs(remote)).toEqual(await cliView(repo));
  expect(await revisionsOf(remote)).toEqual(['a#-1:-', 'a#1:init', 'b#-1:-', 'b#1:-']);
  const published = await publishRevision(remote, {
    packagePath: 'a',
    workspace: 'w2',
    revision: 2,
    files: { Kptfile: kptfile('a'), 'cm.yaml': 'kind: ConfigMap\n' },
    task: { type: 'init', init: {} },
  });
  await repo.bare('fsck', '--strict');
  expect(await repo.bare('rev-parse', 'refs/tags/pkgs/a/v2')).toBe(published.commit);
  expect(await listRemoteRefs(remote)).toEqual(await cliView(repo));
  // The re-sync after a publish reads the approval commit's second parent (the draft, a non-tip commit).
  expect(await revisionsOf(remote)).toEqual(['a#-1:-', 'a#1:init', 'a#2:init', 'b#-1:-', 'b#1:-']);
  await deletePublishedRevision(remote, { packagePath: 'a', revision: 2, workspace: 'w2' });
  await repo.bare('fsck', '--strict');
  expect(await listRemoteRefs(remote)).toEqual(await cliView(repo));
  expect((await listRemoteRefs(remote))['refs/tags/pkgs/a/v2']).toBeUndefined();
}

const modes: [string, GitServerOptions, (s: GitServer, name: string) => string][] = [
  ['git http-backend, protocol v2', {}, (s, n) => `${s.url}/${n}.git`],
  ['git http-backend, protocol v0/v1', { protocolV2: false }, (s, n) => `${s.url}/${n}.git`],
  [
    'Dulwich rules (v0 only, thin-pack required, tips only)',
    { forge: { dulwichStrict: true } },
    (s, n) => `${s.url}/${n}.git`,
  ],
  [
    'GitLab: only discovery redirected (URL without .git)',
    { forge: { redirect: 'discovery' } },
    (s, n) => `${s.url}/${n}`,
  ],
  ['every request redirected', { forge: { redirect: 'all' } }, (s, n) => `${s.url}/${n}`],
  [
    'Azure DevOps: multi_ack required',
    { protocolV2: false, forge: { requireMultiAck: true } },
    (s, n) => `${s.url}/${n}.git`,
  ],
  ['deepen ignored', { protocolV2: false, forge: { ignoreDeepen: true } }, (s, n) => `${s.url}/${n}.git`],
  [
    'REF_DELTA packs (no ofs-delta)',
    { protocolV2: false, forge: { refDeltaOnly: true } },
    (s, n) => `${s.url}/${n}.git`,
  ],
  ['basic auth', { auth: { username: 'u', password: 'p' } }, (s, n) => `${s.url}/${n}.git`],
];

describe.each(modes)('against %s', (label, options, urlOf) => {
  it('lists as the git CLI does, discovers, publishes and deletes; fsck stays clean', async () => {
    const name = label.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
    const server = await startGitServer(root, 0, options);
    try {
      const repo = await seed(name);
      const auth = options.auth && 'username' in options.auth ? { auth: options.auth } : {};
      await exercise(repo, urlOf(server, name), auth);
    } finally {
      await server.stop();
    }
  });
});
