import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, InvalidError } from '../../lib/errors.js';
import { discoverRevisions } from '../../lib/git/discover-revisions.js';
import { listRemoteRefs } from '../../lib/git/list-remote-refs.js';
import { pushPublishBranch } from '../../lib/git/publish-branch.js';
import { publishRevision } from '../../lib/git/publish-revision.js';
import { pushPublishTag } from '../../lib/git/publish-tag.js';
import { busySocketCount } from '../../lib/git/http-client.js';
import type { RemoteSpec } from '../../lib/git/types.js';
import { createFixtureRepo, git, kptfile, type FixtureRepo } from '../support/git-fixtures.js';
import { startGitServer, type GitServer } from '../support/git-server.js';

let root: string;
let server: GitServer;
let repo: FixtureRepo;
let remote: RemoteSpec;
const initTask = { type: 'init' as const, init: { description: 'app' } };
const files = { Kptfile: kptfile('app'), 'cm.yaml': 'kind: ConfigMap\n', 'sub/x.yaml': 'x: 1\n' };
const alice = { name: 'alice', email: 'alice@example.com' };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'porch-publish-'));
  server = await startGitServer(root);
  repo = await createFixtureRepo(root, 'pub');
  await repo.writePackage('catalog/other', { 'o.yaml': 'o: 1\n' });
  await repo.commit('other');
  await repo.push();
  remote = { url: `${server.url}/pub.git`, branch: 'main', directory: 'catalog', timeoutMs: 5000 };
});

afterAll(async () => {
  await server.stop();
  await rm(root, { recursive: true, force: true });
});

const show = (...args: string[]) => repo.bare(...args);
/** Raw commit message as stored (everything after the header's blank line). */
async function rawMessage(oid: string): Promise<string> {
  const { execFile } = await import('node:child_process');
  const raw = await new Promise<string>((ok, fail) =>
    execFile('git', ['cat-file', 'commit', oid], { cwd: repo.bareDir }, (e, out) => (e ? fail(e) : ok(out))),
  );
  return raw.slice(raw.indexOf('\n\n') + 2);
}

/** Pushes an unrelated commit to main with the plain git CLI, as another writer would. */
async function commitElsewhere(path: string): Promise<string> {
  const clone = await mkdtemp(join(tmpdir(), 'porch-other-writer-'));
  await git(clone, 'clone', '--quiet', repo.bareDir, '.');
  await git(clone, 'config', 'user.name', 'other');
  await git(clone, 'config', 'user.email', 'other@example.com');
  await import('node:fs/promises').then((f) => f.writeFile(join(clone, path), 'other writer\n'));
  await git(clone, 'add', '-A');
  await git(clone, 'commit', '--quiet', '-m', `touch ${path}`);
  await git(clone, 'push', '--quiet', 'origin', 'HEAD:main');
  const head = await git(clone, 'rev-parse', 'HEAD');
  await rm(clone, { recursive: true, force: true });
  return head;
}

describe('publishRevision', () => {
  it('writes the draft and approval commits, the lightweight tag and the branch as Porch does', async () => {
    const h0 = await show('rev-parse', 'main');
    const result = await publishRevision(remote, {
      packagePath: 'app',
      workspace: 'ws1',
      revision: 1,
      files,
      task: initTask,
      author: alice,
    });
    expect(result).toMatchObject({ tag: 'catalog/app/v1', adopted: false });
    expect(await show('rev-parse', 'refs/tags/catalog/app/v1')).toBe(result.commit);
    expect(await show('cat-file', '-t', 'refs/tags/catalog/app/v1')).toBe('commit');
    expect(await show('rev-parse', 'main')).toBe(result.commit);

    const [parent0, draft] = (await show('log', '-1', '--format=%P', result.commit)).split(' ');
    expect(parent0).toBe(h0);
    expect(await show('log', '-1', '--format=%P', draft!)).toBe(h0);
    expect(await rawMessage(result.commit)).toBe(
      'Approving package revision catalog/app/1\n\nkpt:{"package":"catalog/app","workspaceName":"ws1","revision":"1"}\n',
    );
    expect(await rawMessage(draft!)).toBe(
      'Creating new empty revision\n\n\nkpt:{"package":"catalog/app","workspaceName":"ws1","revision":"0","task":{"type":"init","init":{"description":"app"}}}\n',
    );
    for (const oid of [result.commit, draft!]) {
      expect(await show('log', '-1', '--format=%an <%ae>|%cn <%ce>', oid)).toBe(
        'alice <alice@example.com>|Package Orchestration Service <porch@kpt.dev>',
      );
    }
    expect((await show('ls-tree', '-r', '--name-only', result.commit)).split('\n').sort()).toEqual(
      [
        'README.md',
        'catalog/app/Kptfile',
        'catalog/app/cm.yaml',
        'catalog/app/sub/x.yaml',
        'catalog/other/Kptfile',
        'catalog/other/o.yaml',
      ].sort(),
    );
    expect(await show('show', `${result.commit}:catalog/app/cm.yaml`)).toBe('kind: ConfigMap');
    await show('fsck', '--strict');
  });

  it('is rediscovered under the same name, with its task', async () => {
    const { revisions } = await discoverRevisions(remote, await listRemoteRefs(remote));
    const v1 = revisions.find((r) => r.packagePath === 'app' && r.revision === 1)!;
    expect(v1).toMatchObject({
      workspace: 'ws1',
      lifecycle: 'Published',
      ref: 'catalog/app/v1',
      tasks: [initTask],
      files,
    });
    expect(revisions.find((r) => r.packagePath === 'app' && r.revision === -1)?.workspace).toBe('main');
  });

  it('adopts its own tag on a retry and refuses a tag of another workspace', async () => {
    const first = await show('rev-parse', 'refs/tags/catalog/app/v1');
    const again = await pushPublishTag(remote, {
      packagePath: 'app',
      workspace: 'ws1',
      revision: 1,
      files,
      task: initTask,
    });
    expect(again).toEqual({ commit: first, tag: 'catalog/app/v1', adopted: true });
    const whole = await publishRevision(remote, {
      packagePath: 'app',
      workspace: 'ws1',
      revision: 1,
      files,
      task: initTask,
    });
    expect(whole).toMatchObject({ commit: first, adopted: true, branchCommit: await show('rev-parse', 'main') });
    await expect(
      pushPublishTag(remote, { packagePath: 'app', workspace: 'other', revision: 1, files }),
    ).rejects.toThrow(ConflictError);
    await expect(
      pushPublishTag(remote, { packagePath: 'app', workspace: 'other', revision: 1, files }),
    ).rejects.toThrow(/already exists/);
  });

  it('does not adopt a tag of its own workspace that holds other files (the draft was edited after a failed approval)', async () => {
    const edited = { ...files, 'cm.yaml': 'kind: ConfigMap\nedited: true\n' };
    const retry = pushPublishTag(remote, {
      packagePath: 'app',
      workspace: 'ws1',
      revision: 1,
      files: edited,
      task: initTask,
    });
    await expect(retry).rejects.toThrow(ConflictError);
    await expect(
      pushPublishTag(remote, { packagePath: 'app', workspace: 'ws1', revision: 1, files: edited }),
    ).rejects.toThrow(
      /revision 1 of package "catalog\/app" already exists in git \(tag catalog\/app\/v1 by workspace "ws1" with other files\)/,
    );
  });

  it('completes the branch later when the process died after the tag push, even if the branch moved', async () => {
    const v2 = { ...files, 'cm.yaml': 'kind: ConfigMap\nversion: 2\n' };
    const tagged = await pushPublishTag(remote, {
      packagePath: 'app',
      workspace: 'ws2',
      revision: 2,
      files: v2,
      task: initTask,
    });
    // Died here: the tag exists, the branch does not have v2 yet, and meanwhile someone else pushes to main.
    expect(await show('show', 'main:catalog/app/cm.yaml')).toBe('kind: ConfigMap');
    const moved = await commitElsewhere('NOTES.md');
    // The retried approval adopts the tag and completes the branch.
    const retried = await publishRevision(remote, {
      packagePath: 'app',
      workspace: 'ws2',
      revision: 2,
      files: v2,
      task: initTask,
    });
    expect(retried).toMatchObject({ commit: tagged.commit, adopted: true });
    const branch = { commit: retried.branchCommit };
    expect(await show('rev-parse', 'main')).toBe(branch.commit);
    expect((await show('log', '-1', '--format=%P', branch.commit)).split(' ')).toEqual([moved, tagged.commit]);
    expect(await show('show', 'main:catalog/app/cm.yaml')).toBe('kind: ConfigMap\nversion: 2');
    expect(await show('show', 'main:NOTES.md')).toBe('other writer');
    expect(await rawMessage(branch.commit)).toBe(await rawMessage(tagged.commit));
    // Running it again changes nothing.
    expect(await pushPublishBranch(remote, { packagePath: 'app', revision: 2 })).toEqual({
      commit: branch.commit,
      updated: false,
    });
  });

  it('never rolls the branch back to an older revision', async () => {
    await pushPublishTag(remote, {
      packagePath: 'app',
      workspace: 'ws3',
      revision: 3,
      files: { ...files, 'cm.yaml': 'v3\n' },
    });
    await pushPublishTag(remote, {
      packagePath: 'app',
      workspace: 'ws4',
      revision: 4,
      files: { ...files, 'cm.yaml': 'v4\n' },
    });
    await pushPublishBranch(remote, { packagePath: 'app', revision: 4 });
    const head = await show('rev-parse', 'main');
    expect(await pushPublishBranch(remote, { packagePath: 'app', revision: 3 })).toEqual({
      commit: head,
      updated: false,
    });
    expect(await show('show', 'main:catalog/app/cm.yaml')).toBe('v4');
  });

  it('lets concurrent publishes of different packages both land', async () => {
    const [a, b] = await Promise.all([
      publishRevision(remote, { packagePath: 'c1', workspace: 'w', revision: 1, files: { Kptfile: kptfile('c1') } }),
      publishRevision(remote, { packagePath: 'c2', workspace: 'w', revision: 1, files: { Kptfile: kptfile('c2') } }),
    ]);
    expect(a.tag).toBe('catalog/c1/v1');
    expect(b.tag).toBe('catalog/c2/v1');
    const names = await show('ls-tree', '--name-only', 'main', 'catalog/');
    expect(names.split('\n')).toEqual(
      expect.arrayContaining(['catalog/c1', 'catalog/c2', 'catalog/app', 'catalog/other']),
    );
    await show('fsck', '--strict');
  });
});

describe("publishing a revision whose files equal the branch's", () => {
  it("still moves the branch to the approval commit, as Porch's one push of branch and tag does (docs/porch-semantics.md §7.4)", async () => {
    const same = { Kptfile: kptfile('same'), 'a.yaml': 'a: 1\n' };
    await publishRevision(remote, { packagePath: 'same', workspace: 'ws1', revision: 1, files: same });
    // An edit copies v1 verbatim: v2 has exactly the files the branch already holds.
    const v2 = await publishRevision(remote, { packagePath: 'same', workspace: 'ws2', revision: 2, files: same });
    expect(await show('rev-parse', 'main')).toBe(v2.commit);
    expect(await show('log', '-1', '--format=%s', 'main')).toBe('Approving package revision catalog/same/2');
  });
});

describe('an author with characters a commit header cannot hold', () => {
  it('is written without them, so the commits stay valid (git fsck) instead of injecting header lines', async () => {
    const author = { name: 'Bad\nparent 0000000000000000000000000000000000000000', email: 'x>y<z\n' };
    const result = await publishRevision(remote, {
      packagePath: 'evil',
      workspace: 'w',
      revision: 1,
      files: { Kptfile: kptfile('evil') },
      author,
    });
    expect(await show('log', '-1', '--format=%an|%ae', result.commit)).toBe(
      'Badparent 0000000000000000000000000000000000000000|xyz',
    );
    await show('fsck', '--strict');
  });
});

describe('a repository directory git cannot use in a tag name', () => {
  it('is refused as invalid (422) before anything is pushed, not as a retryable 503', async () => {
    const odd = { ...remote, directory: 'my dir:x' };
    const before = await show('for-each-ref', '--format=%(refname)');
    const err = await publishRevision(odd, {
      packagePath: 'p',
      workspace: 'w',
      revision: 1,
      files: { Kptfile: kptfile('p') },
    }).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidError);
    expect(err.message).toContain('my dir:x/p/v1');
    expect(await show('for-each-ref', '--format=%(refname)')).toBe(before);
  });
});

describe('concurrent approvals', () => {
  it('of two drafts for the same number: one gets the tag, the other a conflict', async () => {
    const results = await Promise.allSettled([
      publishRevision(remote, {
        packagePath: 'race',
        workspace: 'left',
        revision: 1,
        files: { Kptfile: kptfile('race'), 'l.yaml': 'l\n' },
      }),
      publishRevision(remote, {
        packagePath: 'race',
        workspace: 'right',
        revision: 1,
        files: { Kptfile: kptfile('race'), 'r.yaml': 'r\n' },
      }),
    ]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.reason).toBeInstanceOf(ConflictError);
    const winner = (ok[0] as PromiseFulfilledResult<{ commit: string }>).value.commit;
    expect(await show('rev-parse', 'refs/tags/catalog/race/v1')).toBe(winner);
  });

  it('of the same draft twice: both answer the same tagged commit', async () => {
    const input = { packagePath: 'twice', workspace: 'ws', revision: 1, files: { Kptfile: kptfile('twice') } };
    const [a, b] = await Promise.all([publishRevision(remote, input), publishRevision(remote, input)]);
    expect(a.commit).toBe(b.commit);
    expect([a.adopted, b.adopted].sort()).toEqual([false, true]);
    expect(await show('rev-parse', 'refs/tags/catalog/twice/v1')).toBe(a.commit);
    expect(await show('show', 'main:catalog/twice/Kptfile')).toBe(kptfile('twice').trimEnd());
  });
});

describe('connections', () => {
  it('are all released after publishes and discovery (an unread response would pin its socket)', async () => {
    await publishRevision(remote, {
      packagePath: 'sockets',
      workspace: 'w',
      revision: 1,
      files: { Kptfile: kptfile('sockets') },
    });
    await pushPublishTag(remote, {
      packagePath: 'sockets',
      workspace: 'w',
      revision: 1,
      files: { Kptfile: kptfile('sockets') },
    });
    await discoverRevisions(remote, await listRemoteRefs(remote));
    await new Promise((ok) => setTimeout(ok, 50));
    expect(busySocketCount()).toBe(0);
  });
});
