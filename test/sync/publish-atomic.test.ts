/**
 * One atomic push per publish (docs/publish.md): tag and branch move together or not at all; servers that do not
 * advertise `atomic` get the ordered fallback; concurrent publishes of one repository all succeed by taking turns.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advertisement } from '../../lib/git/advertisement.js';
import { openLocalRepo } from '../../lib/git/local-repo.js';
import { pushPublishAtomic } from '../../lib/git/publish-atomic.js';
import { findOwnTag } from '../../lib/git/publish-own-tag.js';
import { publishRevision } from '../../lib/git/publish-revision.js';
import { pushPublishTag } from '../../lib/git/publish-tag.js';
import { PushRejectedError, pushRefs } from '../../lib/git/push-ref.js';
import { ZERO_OID } from '../../lib/git/receive-pack.js';
import type { RemoteSpec } from '../../lib/git/types.js';
import { createFixtureRepo, git, kptfile, type FixtureRepo } from '../support/git-fixtures.js';
import { startGitServer, type GitServer } from '../support/git-server.js';

let root: string;
let server: GitServer;
const repos: Record<string, FixtureRepo> = {};
const remote = (name: string): RemoteSpec => ({
  url: `${server.url}/${name}.git`,
  branch: 'main',
  directory: '',
  timeoutMs: 10_000,
});
const localRepo = (name: string) => openLocalRepo(remote(name));
const pkg = (name: string) => ({ Kptfile: kptfile(name), 'cm.yaml': `kind: ConfigMap\nmetadata:\n  name: ${name}\n` });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'porch-atomic-'));
  server = await startGitServer(root);
  for (const name of ['atomic', 'plain', 'refused', 'own']) {
    repos[name] = await createFixtureRepo(root, name);
    await repos[name]!.writePackage('seed', { 'a.yaml': 'a: 1\n' });
    await repos[name]!.commit('seed');
    await repos[name]!.push();
  }
  // A server without the capability: git's receive-pack then does not advertise it.
  await git(repos.plain!.bareDir, 'config', 'receive.advertiseAtomic', 'false');
});
afterAll(async () => {
  await server.stop();
  await rm(root, { recursive: true, force: true });
});

/** Every package on the branch and every tag, with git's own integrity check. */
async function gitState(name: string) {
  const bare = repos[name]!.bareDir;
  await git(bare, 'fsck', '--strict', '--no-dangling');
  const tags = (await git(bare, 'tag', '-l')).split('\n').filter(Boolean).sort();
  const onBranch = (await git(bare, 'ls-tree', '--name-only', 'main')).split('\n').filter(Boolean).sort();
  return { tags, onBranch };
}

describe('atomic publish', () => {
  it('reads the receive-pack advertisement: atomic where git advertises it, not where it is turned off', async () => {
    expect((await advertisement(localRepo('atomic'), 'git-receive-pack')).caps.has('atomic')).toBe(true);
    expect((await advertisement(localRepo('plain'), 'git-receive-pack')).caps.has('atomic')).toBe(false);
  });

  it('an atomic push whose branch update is stale moves neither ref', async () => {
    const bare = repos.refused!.bareDir;
    const head = await git(bare, 'rev-parse', 'main');
    const stale = '1'.repeat(40);
    const push = pushRefs(
      localRepo('refused'),
      [
        { ref: 'refs/tags/x/v1', old: ZERO_OID, new: head },
        { ref: 'refs/heads/main', old: stale, new: head },
      ],
      { atomic: true },
    );
    await expect(push).rejects.toBeInstanceOf(PushRejectedError);
    expect(await git(bare, 'tag', '-l')).toBe('');
    expect(await git(bare, 'rev-parse', 'main')).toBe(head);
  });

  for (const name of ['atomic', 'plain']) {
    it(`20 concurrent publishes of different packages all succeed and all land (${name})`, async () => {
      const packages = Array.from({ length: 20 }, (_, i) => `p${String(i).padStart(2, '0')}`);
      const results = await Promise.all(
        packages.map((p) =>
          publishRevision(remote(name), { packagePath: p, workspace: 'ws', revision: 1, files: pkg(p) }),
        ),
      );
      expect(new Set(results.map((r) => r.commit)).size).toBe(20);
      const state = await gitState(name);
      expect(state.tags).toEqual(packages.map((p) => `${p}/v1`).sort());
      expect(state.onBranch).toEqual(['README.md', ...packages, 'seed'].sort());
      for (const p of packages) {
        expect(await git(repos[name]!.bareDir, 'show', `${p}/v1:${p}/cm.yaml`)).toContain(`name: ${p}`);
        expect(await git(repos[name]!.bareDir, 'show', `main:${p}/cm.yaml`)).toContain(`name: ${p}`);
      }
    });
  }

  it('publishes from different processes (no turns taken) all land through compare-and-set and rebase', async () => {
    const packages = Array.from({ length: 8 }, (_, i) => `q${i}`);
    await Promise.all(
      packages.map((p) =>
        pushPublishAtomic(
          remote('atomic'),
          { packagePath: p, workspace: 'ws', revision: 1, files: pkg(p) },
          localRepo('atomic'),
        ),
      ),
    );
    const state = await gitState('atomic');
    for (const p of packages) {
      expect(state.tags).toContain(`${p}/v1`);
      expect(state.onBranch).toContain(p);
    }
  });

  it('a retried publish finds its own earlier tag, even after another workspace took the next number', async () => {
    const mine = { packagePath: 'app', workspace: 'mine', files: pkg('app') };
    const tagged = await pushPublishTag(remote('own'), { ...mine, revision: 1 }); // then the approval failed
    await publishRevision(remote('own'), { packagePath: 'app', workspace: 'other', revision: 2, files: pkg('x') });
    // The database holds 2: the numbers it does not hold, highest first, are the ones looked at.
    const unclaimed = [4, 3, 1];
    expect(await findOwnTag(remote('own'), mine, unclaimed)).toBe(1);
    expect(await findOwnTag(remote('own'), { ...mine, files: pkg('edited') }, unclaimed)).toBeUndefined();
    expect(await findOwnTag(remote('own'), { ...mine, workspace: 'third' }, unclaimed)).toBeUndefined();
    // Only the numbers given: a tag outside them is not read.
    expect(await findOwnTag(remote('own'), mine, [4, 3])).toBeUndefined();
    const done = await publishRevision(remote('own'), { ...mine, revision: 1 });
    expect(done).toMatchObject({ commit: tagged.commit, adopted: true });
    expect((await gitState('own')).tags).toEqual(['app/v1', 'app/v2']);
  });
});
