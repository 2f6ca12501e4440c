import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepositoryOperations } from '../../lib/api/repositories/operations.js';
import { createAccess } from '../../lib/api/rbac/access.js';
import { createHttpHandler } from '../../lib/http/handler.js';
import { replaceResources } from '../../lib/storage/resources.js';
import { httpEvent } from '../support/http-events.js';
import { createHarness, newRevision, NS, PR, PRR, withLifecycle, type Harness } from './harness.js';

// What a caller sends is bounded and checked where it enters: paths git or a checkout cannot hold, text that UTF-8
// cannot hold, too many files, too deep a body. Each is a 4xx that changes nothing, and nothing reaches git.
let h: Harness;
const NAME = 'blueprints.app.ws1';

beforeAll(async () => {
  h = await createHarness({ maxBodyBytes: 8 * 1024 * 1024 });
  await h.addRepository('blueprints');
  expect((await h.call('POST', PR, { body: newRevision('blueprints', 'app', 'ws1') })).status).toBe(201);
});
afterAll(async () => h?.close());

const current = async () => (await h.call('GET', `${PRR}/${NAME}`)).body;
const withFiles = (cur: any, extra: Record<string, string>) => ({
  ...cur,
  spec: { ...cur.spec, resources: { ...cur.spec.resources, ...extra } },
});

describe('PUT packagerevisionresources refuses what git cannot hold', () => {
  it.each([
    ['.git/config', '".git"'],
    ['.GIT/hooks/post-checkout', '".git"'],
    ['sub/.Git./x', '".git"'],
    ['GIT~1/config', '".git"'],
    ['a/\u001b[31mred.yaml', 'control character'],
    ['tab\there.yaml', 'control character'],
  ])('%j → 422, nothing stored', async (path, problem) => {
    const cur = await current();
    const res = await h.call('PUT', `${PRR}/${NAME}`, { body: withFiles(cur, { [path]: 'x: 1\n' }) });
    expect(res.status).toBe(422);
    expect(res.body.message).toContain(problem);
    const after = await current();
    expect(after.metadata.resourceVersion).toBe(cur.metadata.resourceVersion);
    expect(Object.keys(after.spec.resources)).not.toContain(path);
  });

  it('a lone surrogate in content is a 422, not stored as U+FFFD', async () => {
    const cur = await current();
    const res = await h.call('PUT', `${PRR}/${NAME}`, { body: withFiles(cur, { 'a.yaml': 'x: "\uD800"\n' }) });
    expect(res.status).toBe(422);
    expect(res.body.message).toContain('not valid Unicode');
    expect((await current()).metadata.resourceVersion).toBe(cur.metadata.resourceVersion);
  });

  it('400,004 files in one PUT (4.3 MB) is a 422', async () => {
    const cur = await current();
    const many: Record<string, string> = {};
    for (let i = 0; i < 400_004; i++) many[`f/${i.toString(36)}`] = '';
    const res = await h.call('PUT', `${PRR}/${NAME}`, { body: withFiles(cur, many) });
    expect(res.status).toBe(422);
    expect(res.body.message).toContain('at most 10000 are allowed');
    expect(res.body.details.causes).toHaveLength(1);
    const { rows } = await h.tdb.db.query(`select count(*)::int as n from resources where package_revision = $1`, [
      NAME,
    ]);
    expect(rows[0].n).toBe(Object.keys(cur.spec.resources).length);
  });
});

describe('request bodies', () => {
  it('JSON nested 10,000 deep is a 400', async () => {
    const body = `{"metadata":{"name":"x"},"spec":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const res = await h.call('POST', PR, { body, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('nested more than 100 levels');
  });

  it('YAML nested 10,000 deep is a 400', async () => {
    const body = `metadata: {name: x}\nspec: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`;
    const res = await h.call('POST', PR, { body, headers: { 'content-type': 'application/yaml' } });
    expect(res.status).toBe(400);
  });
});

describe('publish of a draft stored before these rules', () => {
  it('is a 422 and leaves git unchanged', async () => {
    const created = await h.call('POST', PR, { body: newRevision('blueprints', 'legacy', 'ws1') });
    expect(created.status).toBe(201);
    const name = 'blueprints.legacy.ws1';
    const cur = (await h.call('GET', `${PRR}/${name}`)).body;
    // Written below the API, as an older version of the service would have accepted it: before migration 0010 the
    // resources_path_safe CHECK allowed .git, and 0010 added its stricter CHECK NOT VALID, keeping such rows.
    const { rows } = await h.tdb.db.query<{ def: string }>(
      `select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'resources_path_safe'`,
    );
    await h.tdb.db.query(`alter table resources drop constraint resources_path_safe`);
    await replaceResources(
      h.tdb.db,
      NS,
      name,
      cur.metadata.resourceVersion,
      { ...cur.spec.resources, '.git/config': '[core]\n' },
      {},
      'test',
    );
    await h.tdb.db.query(`alter table resources add constraint resources_path_safe ${rows[0]!.def}`);
    const refsBefore = await h.repos.blueprints!.bare('for-each-ref');
    const pr = (await h.call('GET', `${PR}/${name}`)).body;
    const proposed = await h.call('PUT', `${PR}/${name}`, { body: withLifecycle(pr, 'Proposed') });
    expect(proposed.status).toBe(200);
    const res = await h.call('PUT', `${PR}/${name}/approval`, { body: withLifecycle(proposed.body, 'Published') });
    expect(res.status).toBe(422);
    expect(res.body.message).toContain('.git');
    expect(await h.repos.blueprints!.bare('for-each-ref')).toBe(refsBefore);
  });
});

describe('credentials in git URLs', () => {
  const REPOS = `/apis/config.porch.kpt.dev/v1alpha1/namespaces/${NS}/repositories`;

  it('a clone URL with credentials fetches with them but stores and publishes none of them', async () => {
    const src = await h.addRepository('creds-src');
    await src.writePackage('basens', { 'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n' });
    await src.commit('basens v1');
    await src.tag('basens/v1');
    await src.push();
    const withSecret = h.server.url.replace('http://', 'http://alice:s3cret-token@');
    const clone = {
      type: 'clone',
      clone: {
        upstreamRef: { type: 'git', git: { repo: `${withSecret}/creds-src.git`, ref: 'v1', directory: 'basens' } },
      },
    };
    const res = await h.call('POST', PR, {
      body: newRevision('blueprints', 'cloned', 'ws1', { spec: { tasks: [clone] } }),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(JSON.stringify(res.body)).not.toContain('s3cret');
    expect(res.body.status.upstreamLock.git.repo).toBe(`${h.server.url}/creds-src.git`);
    const prr = (await h.call('GET', `${PRR}/blueprints.cloned.ws1`)).body;
    expect(JSON.stringify(prr)).not.toContain('s3cret');
    const { rows } = await h.tdb.db.query(
      `select tasks::text as t from package_revisions where name = 'blueprints.cloned.ws1'`,
    );
    expect(rows[0].t).not.toContain('s3cret');
    const proposed = await h.call('PUT', `${PR}/blueprints.cloned.ws1`, { body: withLifecycle(res.body, 'Proposed') });
    expect(proposed.status).toBe(200);
    const approved = await h.call('PUT', `${PR}/blueprints.cloned.ws1/approval`, {
      body: withLifecycle(proposed.body, 'Published'),
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const bare = h.repos.blueprints!;
    expect(await bare.bare('log', '--all', '--format=%B')).not.toContain('s3cret');
    expect(await bare.bare('grep', '-I', '-c', 's3cret', 'main').catch(() => 'none')).toBe('none');
  });

  it('a Repository URL with credentials is a 422 that does not echo them', async () => {
    const body = {
      apiVersion: 'config.porch.kpt.dev/v1alpha1',
      kind: 'Repository',
      metadata: { name: 'leaky', namespace: NS },
      spec: { type: 'git', git: { repo: 'https://bob:hunter2@git.example/r.git' } },
    };
    const handler = createHttpHandler(
      createRepositoryOperations({ requestSync: async () => undefined }),
      createAccess,
      {
        database: async () => h.tdb.db,
        log: () => undefined,
      },
    );
    const raw = await handler(httpEvent('POST', REPOS, { body }));
    expect(raw.statusCode).toBe(422);
    expect(raw.body).not.toContain('hunter2');
    expect(JSON.parse(raw.body!).message).toContain('spec.git.secretRef');
    const { rows } = await h.tdb.db.query(`select count(*)::int as n from repositories where name = 'leaky'`);
    expect(rows[0].n).toBe(0);
  });
});

describe('a Repository directory git cannot hold', () => {
  it('is refused at registration (422)', async () => {
    const handler = createHttpHandler(
      createRepositoryOperations({ requestSync: async () => undefined }),
      createAccess,
      {
        database: async () => h.tdb.db,
        log: () => undefined,
      },
    );
    const body = {
      apiVersion: 'config.porch.kpt.dev/v1alpha1',
      kind: 'Repository',
      metadata: { name: 'hooks', namespace: NS },
      spec: { type: 'git', git: { repo: 'https://git.example/r.git', directory: '.git/hooks' } },
    };
    const raw = await handler(
      httpEvent('POST', `/apis/config.porch.kpt.dev/v1alpha1/namespaces/${NS}/repositories`, { body }),
    );
    expect(raw.statusCode).toBe(422);
    expect(JSON.parse(raw.body!).message).toContain('spec.git.directory');
  });

  it('registered before the rule, publishing into it is a 422 and leaves git unchanged', async () => {
    // Zero-width non-joiner before `.git`: a valid ref name, but HFS+ reads the directory as `.git`.
    const repo = await h.addRepository('dotgit', { directory: '\u200c.git/x' });
    expect((await h.call('POST', PR, { body: newRevision('dotgit', 'app', 'ws1') })).status).toBe(201);
    const refsBefore = await repo.bare('for-each-ref');
    const pr = (await h.call('GET', `${PR}/dotgit.app.ws1`)).body;
    const proposed = await h.call('PUT', `${PR}/dotgit.app.ws1`, { body: withLifecycle(pr, 'Proposed') });
    const res = await h.call('PUT', `${PR}/dotgit.app.ws1/approval`, {
      body: withLifecycle(proposed.body, 'Published'),
    });
    expect(res.status).toBe(422);
    expect(res.body.message).toContain('cannot be published under');
    expect(await repo.bare('for-each-ref')).toBe(refsBefore);
  });
});
