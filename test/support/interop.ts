/** The interop exercise every git server must pass (test/git/forge-interop.test.ts, dulwich-interop.test.ts). */
import { expect } from 'vitest';
import { deletePublishedRevision } from '../../lib/git/delete-revision.js';
import { discoverRevisions } from '../../lib/git/discover-revisions.js';
import { listRemoteRefs } from '../../lib/git/list-remote-refs.js';
import { publishRevision } from '../../lib/git/publish-revision.js';
import type { RemoteSpec } from '../../lib/git/types.js';
import { createFixtureRepo, kptfile, lsRemote, type FixtureRepo } from './git-fixtures.js';
import { LOOPBACK_ONLY } from './git-transport.js';

/** A repository with a placeholder package, a Porch-published v1 (lightweight tag) and an annotated v2 tag. */
export async function seed(root: string, name: string): Promise<FixtureRepo> {
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
async function cliView(root: string, repo: FixtureRepo): Promise<Record<string, string>> {
  const all = await lsRemote(root, repo.bareDir);
  const view: Record<string, string> = {};
  for (const [ref, oid] of Object.entries(all)) {
    if (ref === 'HEAD' || ref.endsWith('^{}')) continue;
    view[ref] = all[`${ref}^{}`] ?? oid;
  }
  return view;
}

/**
 * Lists refs as the git CLI does, discovers (also the re-sync after a publish, which wants the approval commit's
 * second parent, a non-tip commit), publishes and deletes, with `git fsck --strict` clean after every write.
 */
export async function exercise(root: string, repo: FixtureRepo, url: string, extra: Partial<RemoteSpec> = {}) {
  const remote: RemoteSpec = { url, branch: 'main', directory: 'pkgs', timeoutMs: 5000, ...extra };
  remote.allowedNetworks = LOOPBACK_ONLY;
  expect(await listRemoteRefs(remote)).toEqual(await cliView(root, repo));
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
  expect(await listRemoteRefs(remote)).toEqual(await cliView(root, repo));
  // The re-sync after a publish reads the approval commit's second parent (the draft, a non-tip commit).
  expect(await revisionsOf(remote)).toEqual(['a#-1:-', 'a#1:init', 'a#2:init', 'b#-1:-', 'b#1:-']);
  await deletePublishedRevision(remote, { packagePath: 'a', revision: 2, workspace: 'w2' });
  await repo.bare('fsck', '--strict');
  expect(await listRemoteRefs(remote)).toEqual(await cliView(root, repo));
  expect((await listRemoteRefs(remote))['refs/tags/pkgs/a/v2']).toBeUndefined();
}
