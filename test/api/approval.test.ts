import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishRevision } from '../../lib/git/publish-revision.js';
import { createPackageRevision } from '../../lib/storage/package-revisions.js';
import { git } from '../support/git-fixtures.js';
import { createHarness, newRevision, NS, PR, PRR, withLifecycle, type Harness } from './harness.js';

let h: Harness;

const create = async (repo: string, pkg: string, ws: string, extra = {}) => {
  const res = await h.call('POST', PR, { body: newRevision(repo, pkg, ws, extra) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};
const get = async (name: string) => (await h.call('GET', `${PR}/${name}`)).body;
const put = (name: string, body: unknown) => h.call('PUT', `${PR}/${name}`, { body });
const approve = (name: string, body: unknown) => h.call('PUT', `${PR}/${name}/approval`, { body });
const propose = async (name: string) => {
  const res = await put(name, withLifecycle(await get(name), 'Proposed'));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};
const publish = async (name: string) => {
  const proposed = await propose(name);
  const res = await approve(name, withLifecycle(proposed, 'Published'));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};
const copyOf = (source: string) => ({ spec: { tasks: [{ type: 'edit', edit: { sourceRef: { name: source } } }] } });
const bare = (repo: string, ...args: string[]) => git(h.repos[repo]!.bareDir, ...args);

beforeAll(async () => {
  h = await createHarness();
  await h.addRepository('blueprints');
  await h.addRepository('nested', { directory: 'pkgs/team' });
  await h.addRepository('down', { url: 'http://127.0.0.1:9/down.git' }); // nothing listens on port 9
});
afterAll(async () => h?.close());

describe('publish (Proposed → Published through /approval)', () => {
  let published: any;
  const startedBefore = new Date(Date.now() - 1000);

  it('refuses to approve a Draft and to publish through a plain PUT', async () => {
    const draft = await create('blueprints', 'net/vpc', 'ws1');
    const res = await approve('blueprints.net.vpc.ws1', withLifecycle(draft, 'Published'));
    expect(res.status).toBe(422);
    expect(res.body.message).toContain(
      'cannot approve package with Draft lifecycle value; only Proposed packages can be approved',
    );
    const proposed = await propose('blueprints.net.vpc.ws1');
    const viaPut = await put('blueprints.net.vpc.ws1', withLifecycle(proposed, 'Published'));
    expect(viaPut.status).toBe(422);
    expect(viaPut.body.message).toContain(
      'spec.lifecycle: Invalid value: "Proposed": value can be only updated to Draft,Proposed',
    );
  });

  it('publishes revision 1: tag, two commits of docs/porch-semantics.md §7.4, row, placeholder', async () => {
    const cur = await get('blueprints.net.vpc.ws1');
    const res = await approve('blueprints.net.vpc.ws1', withLifecycle(cur, 'Published'));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    published = res.body;
    expect(published.spec.lifecycle).toBe('Published');
    expect(published.spec.revision).toBe(1);
    expect(published.metadata.labels['kpt.dev/latest-revision']).toBe('true');
    expect(published.status.publishedBy).toBe('tester');
    expect(Date.parse(published.status.publishTimestamp)).toBeGreaterThanOrEqual(
      Math.floor(startedBefore.getTime() / 1000) * 1000,
    );

    const tagCommit = await bare('blueprints', 'rev-parse', 'refs/tags/net/vpc/v1');
    expect(await bare('blueprints', 'rev-parse', 'refs/heads/main')).toBe(tagCommit);
    expect(published.status.selfLock).toEqual({
      type: 'git',
      git: { repo: `${h.server.url}/blueprints.git`, directory: 'net/vpc', ref: 'net/vpc/v1', commit: tagCommit },
    });
    const parents = (await bare('blueprints', 'log', '-1', '--format=%P', tagCommit)).split(' ');
    expect(parents).toHaveLength(2);
    const message = await bare('blueprints', 'log', '-1', '--format=%B', tagCommit);
    expect(message).toBe(
      'Approving package revision net/vpc/1\n\nkpt:{"package":"net/vpc","workspaceName":"ws1","revision":"1"}',
    );
    const draftMessage = await bare('blueprints', 'log', '-1', '--format=%B', parents[1]!);
    expect(draftMessage).toContain('Creating new empty revision');
    expect(draftMessage).toContain('kpt:{"package":"net/vpc","workspaceName":"ws1","revision":"0","task":{');
    expect(await bare('blueprints', 'log', '-1', '--format=%an <%ae>|%cn <%ce>', tagCommit)).toBe(
      'tester <tester>|Package Orchestration Service <porch@kpt.dev>',
    );
    const files = (await bare('blueprints', 'ls-tree', '-r', '--name-only', tagCommit)).split('\n');
    expect(files).toEqual(
      expect.arrayContaining(['net/vpc/Kptfile', 'net/vpc/README.md', 'net/vpc/package-context.yaml', 'README.md']),
    );

    const placeholder = await get('blueprints.net.vpc.main');
    expect(placeholder.spec).toMatchObject({ revision: -1, lifecycle: 'Published', workspaceName: 'main' });
    expect(placeholder.metadata.labels?.['kpt.dev/latest-revision']).toBeUndefined();
  });

  it('refuses a second approval of the published revision (422) and leaves git alone', async () => {
    const before = await bare('blueprints', 'show-ref');
    const res = await approve('blueprints.net.vpc.ws1', withLifecycle(published, 'Published'));
    expect(res.status).toBe(422);
    expect(res.body.message).toContain(
      "package with Published lifecycle value can only be updated to 'ProposeDeletion'",
    );
    expect(await bare('blueprints', 'show-ref')).toBe(before);
  });

  it('copies revision 1 into a new draft and publishes it as revision 2; latest moves', async () => {
    const draft = await create('blueprints', 'net/vpc', 'ws2', copyOf('blueprints.net.vpc.ws1'));
    expect(draft.spec.tasks[0].type).toBe('edit');
    const prr = (await h.call('GET', `${PRR}/blueprints.net.vpc.ws2`)).body;
    const edited = {
      ...prr,
      spec: {
        ...prr.spec,
        resources: { ...prr.spec.resources, 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n' },
      },
    };
    expect((await h.call('PUT', `${PRR}/blueprints.net.vpc.ws2`, { body: edited })).status).toBe(200);
    const v2 = await publish('blueprints.net.vpc.ws2');
    expect(v2.spec.revision).toBe(2);
    expect(v2.metadata.labels['kpt.dev/latest-revision']).toBe('true');
    expect((await get('blueprints.net.vpc.ws1')).metadata.labels?.['kpt.dev/latest-revision']).toBeUndefined();
    expect(await bare('blueprints', 'show', 'refs/tags/net/vpc/v2:net/vpc/cm.yaml')).toContain('kind: ConfigMap');
    const draftParent = (await bare('blueprints', 'log', '-1', '--format=%P', 'refs/tags/net/vpc/v2')).split(' ')[1]!;
    expect(await bare('blueprints', 'log', '-1', '--format=%s', draftParent)).toBe(
      'Creating new revision by copying previous revision',
    );
  });

  it('publishes under the repository directory (fullpath in git, pkgpath in the API)', async () => {
    await create('nested', 'app', 'ws1');
    const res = await publish('nested.app.ws1');
    expect(res.status.selfLock.git).toMatchObject({ directory: 'app', ref: 'pkgs/team/app/v1' });
    expect(await bare('nested', 'rev-parse', 'refs/tags/pkgs/team/app/v1')).toBe(res.status.selfLock.git.commit);
  });

  it('answers 503 when git is unreachable; the revision stays Proposed with revision 0', async () => {
    await create('down', 'pkg', 'ws1');
    const proposed = await propose('down.pkg.ws1');
    const res = await approve('down.pkg.ws1', withLifecycle(proposed, 'Published'));
    expect(res.status).toBe(503);
    expect(res.body.reason).toBe('ServiceUnavailable');
    const after = await get('down.pkg.ws1');
    expect(after.spec.lifecycle).toBe('Proposed');
    expect(after.spec.revision).toBeUndefined();
    expect(after.metadata.resourceVersion).toBe(proposed.metadata.resourceVersion);
  });

  it('gives two simultaneous approvals of different drafts of one package distinct numbers', async () => {
    await create('blueprints', 'net/vpc', 'ws3', copyOf('blueprints.net.vpc.ws2'));
    await create('blueprints', 'net/vpc', 'ws4', copyOf('blueprints.net.vpc.ws2'));
    const a = await propose('blueprints.net.vpc.ws3');
    const b = await propose('blueprints.net.vpc.ws4');
    const [ra, rb] = await Promise.all([
      approve('blueprints.net.vpc.ws3', withLifecycle(a, 'Published')),
      approve('blueprints.net.vpc.ws4', withLifecycle(b, 'Published')),
    ]);
    expect(ra.status, JSON.stringify(ra.body)).toBe(200);
    expect(rb.status, JSON.stringify(rb.body)).toBe(200);
    expect([ra.body.spec.revision, rb.body.spec.revision].sort()).toEqual([3, 4]);
    const tags = (await bare('blueprints', 'tag', '--list', 'net/vpc/*')).split('\n').sort();
    expect(tags).toEqual(['net/vpc/v1', 'net/vpc/v2', 'net/vpc/v3', 'net/vpc/v4']);
    expect((await get('blueprints.net.vpc.ws4')).spec.revision).toBe(rb.body.spec.revision);
  });

  it('converges after a publish whose database write was lost: the retry adopts its own tag', async () => {
    await create('blueprints', 'net/vpc', 'ws7', copyOf('blueprints.net.vpc.ws2'));
    const proposed = await propose('blueprints.net.vpc.ws7');
    // The two simultaneous approvals above took 3 and 4 in either order.
    const revisionOf = async (name: string) => (await get(name)).spec.revision as number;
    const next = Math.max(await revisionOf('blueprints.net.vpc.ws3'), await revisionOf('blueprints.net.vpc.ws4')) + 1;
    // What a first approval did before its process died: tag and branch pushed, database not written.
    const files = (await h.call('GET', `${PRR}/blueprints.net.vpc.ws7`)).body.spec.resources;
    const pushed = await publishRevision(
      { url: `${h.server.url}/blueprints.git`, branch: 'main', directory: '', timeoutMs: 10_000 },
      { packagePath: 'net/vpc', workspace: 'ws7', revision: next, files, task: proposed.spec.tasks[0] },
    );
    const res = await approve('blueprints.net.vpc.ws7', withLifecycle(proposed, 'Published'));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.spec.revision).toBe(next);
    expect(res.body.status.selfLock.git.commit).toBe(pushed.commit);
    expect(await bare('blueprints', 'tag', '--list', `net/vpc/v${next}`)).toBe(`net/vpc/v${next}`);
  });

  it('skips a number whose tag was made outside the service', async () => {
    await bare('blueprints', 'tag', 'net/vpc/v6', 'main');
    await create('blueprints', 'net/vpc', 'ws5', copyOf('blueprints.net.vpc.ws2'));
    expect((await get('blueprints.net.vpc.ws7')).spec.revision).toBe(5);
    const res = await publish('blueprints.net.vpc.ws5');
    expect(res.spec.revision).toBe(7);
  });
});

describe('approval: other transitions', () => {
  it('Proposed → Draft, Published ⇄ DeletionProposed', async () => {
    await create('blueprints', 'other', 'ws1');
    const proposed = await propose('blueprints.other.ws1');
    const reject = await approve('blueprints.other.ws1', withLifecycle(proposed, 'Draft'));
    expect(reject.status).toBe(200);
    expect(reject.body.spec.lifecycle).toBe('Draft');
    const pub = await publish('blueprints.other.ws1');
    const dp = await approve('blueprints.other.ws1', withLifecycle(pub, 'DeletionProposed'));
    expect(dp.status).toBe(200);
    expect(dp.body.spec.lifecycle).toBe('DeletionProposed');
    expect(dp.body.metadata.labels['kpt.dev/latest-revision']).toBe('true');
    const wrong = await approve('blueprints.other.ws1', withLifecycle(dp.body, 'Draft'));
    expect(wrong.status).toBe(422);
    expect(wrong.body.message).toContain(
      "package with DeletionProposed lifecycle value can only be updated to 'Published'",
    );
    const back = await approve('blueprints.other.ws1', withLifecycle(dp.body, 'Published'));
    expect(back.status).toBe(200);
    expect(back.body.spec.lifecycle).toBe('Published');
    const stale = await approve('blueprints.other.ws1', withLifecycle(dp.body, 'DeletionProposed'));
    expect(stale.status).toBe(409);
    expect(stale.body.message).toContain('the object has been modified');
  });

  it('through PUT: Published ⇄ DeletionProposed only, spec otherwise unchanged', async () => {
    const cur = await get('blueprints.other.ws1');
    const changed = await put('blueprints.other.ws1', {
      ...withLifecycle(cur, 'DeletionProposed'),
      spec: { ...cur.spec, lifecycle: 'DeletionProposed', readinessGates: [{ conditionType: 'X' }] },
    });
    expect(changed.status).toBe(422);
    expect(changed.body.message).toContain('spec can only update package with lifecycle value one of Draft,Proposed');
    const toDraft = await put('blueprints.other.ws1', withLifecycle(cur, 'Draft'));
    expect(toDraft.status).toBe(422);
    const dp = await put('blueprints.other.ws1', withLifecycle(cur, 'DeletionProposed'));
    expect(dp.status).toBe(200);
    const back = await put('blueprints.other.ws1', withLifecycle(dp.body, 'Published'));
    expect(back.status).toBe(200);
  });
});

describe('PATCH of /approval (merge patch, as kubectl patch sends it)', () => {
  it('moves Published → DeletionProposed → Published', async () => {
    const patch = (lifecycle: string) =>
      h.call('PATCH', `${PR}/blueprints.other.ws1/approval`, {
        body: { spec: { lifecycle } },
        headers: { 'content-type': 'application/merge-patch+json' },
      });
    const dp = await patch('DeletionProposed');
    expect(dp.status, JSON.stringify(dp.body)).toBe(200);
    expect(dp.body.spec.lifecycle).toBe('DeletionProposed');
    const back = await patch('Published');
    expect(back.body.spec.lifecycle).toBe('Published');
  });
});

describe('DELETE of published revisions (docs/porch-semantics.md §10)', () => {
  it('refuses a Published revision with 403 and Porch’s text', async () => {
    const res = await h.call('DELETE', `${PR}/blueprints.net.vpc.ws1`);
    expect(res.status).toBe(403);
    expect(res.body.message).toBe(
      `packagerevisions.porch.kpt.dev "blueprints.net.vpc.ws1" is forbidden: published PackageRevisions must be proposed for deletion by setting spec.lifecycle to 'DeletionProposed' prior to deletion`,
    );
  });

  it('refuses a revision still referenced as upstream by a clone', async () => {
    await create('blueprints', 'downstream', 'ws1', {
      spec: { tasks: [{ type: 'clone', clone: { upstreamRef: { upstreamRef: { name: 'blueprints.net.vpc.ws1' } } } }] },
    });
    const dp = await put(
      'blueprints.net.vpc.ws1',
      withLifecycle(await get('blueprints.net.vpc.ws1'), 'DeletionProposed'),
    );
    expect(dp.status).toBe(200);
    const res = await h.call('DELETE', `${PR}/blueprints.net.vpc.ws1`);
    expect(res.status).toBe(403);
    expect(res.body.message).toContain(
      'is forbidden: cannot delete package revision, it is referenced as upstream by: blueprints.downstream.ws1',
    );
    expect((await h.call('DELETE', `${PR}/blueprints.downstream.ws1`)).status).toBe(200);
  });

  it('deletes a DeletionProposed revision: tag removed from git, row gone, latest recomputed', async () => {
    expect(await bare('blueprints', 'tag', '--list', 'net/vpc/v1')).toBe('net/vpc/v1');
    const res = await h.call('DELETE', `${PR}/blueprints.net.vpc.ws1`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.spec.lifecycle).toBe('DeletionProposed');
    expect(await bare('blueprints', 'tag', '--list', 'net/vpc/v1')).toBe('');
    expect((await get('blueprints.net.vpc.ws1')).code).toBe(404);
    expect(await bare('blueprints', 'tag', '--list', 'net/vpc/v2')).toBe('net/vpc/v2');
  });

  it('keeps a DeletionProposed revision when git is unreachable (503)', async () => {
    await createPackageRevision(
      h.tdb.db,
      {
        namespace: NS,
        repository: 'down',
        packagePath: 'old',
        workspace: 'ws1',
        revision: 1,
        lifecycle: 'DeletionProposed',
        selfLock: {
          type: 'git',
          git: { repo: 'http://127.0.0.1:9/down.git', directory: 'old', ref: 'old/v1', commit: 'c' },
        },
        updatedBy: 'test',
      },
      { Kptfile: 'apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: old\n' },
    );
    const res = await h.call('DELETE', `${PR}/down.old.ws1`);
    expect(res.status).toBe(503);
    expect((await get('down.old.ws1')).spec.lifecycle).toBe('DeletionProposed');
  });

  it('deletes a DeletionProposed placeholder by removing the package from the branch (docs/porch-semantics.md §7.5)', async () => {
    expect(await bare('blueprints', 'ls-tree', '--name-only', 'main', 'other')).toBe('other');
    const placeholder = await get('blueprints.other.main');
    expect(placeholder.spec.revision).toBe(-1);
    const dp = await put('blueprints.other.main', withLifecycle(placeholder, 'DeletionProposed'));
    expect(dp.status, JSON.stringify(dp.body)).toBe(200);
    const res = await h.call('DELETE', `${PR}/blueprints.other.main`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await bare('blueprints', 'ls-tree', '--name-only', 'main', 'other')).toBe('');
    expect(await bare('blueprints', 'log', '-1', '--format=%s', 'main')).toBe('Delete other');
    expect(await bare('blueprints', 'tag', '--list', 'other/v1')).toBe('other/v1');
  });
});
