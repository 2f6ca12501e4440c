/**
 * Through the API: a git failure the caller caused (credentials the forge refuses, a repository that does not exist, a
 * secretRef naming no credentials) is a 422 saying so, not a 503 a client would retry forever (docs/api.md "Errors");
 * nothing the remote sent reaches the body, and nothing is stored or pushed. An unreachable remote stays a 503.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPackageRevision } from '../../lib/storage/package-revisions.js';
import { insertRepository } from '../../lib/storage/repositories.js';
import { createFixtureRepo, git } from '../support/git-fixtures.js';
import { startGitServer, type GitServer } from '../support/git-server.js';
import { createHarness, NS, newRevision, PR, withLifecycle, type Harness } from './harness.js';

let h: Harness;
let forge: GitServer;
let credsDir: string;

const CLONE = 'spec.tasks[0].clone.upstreamRef.git';

beforeAll(async () => {
  credsDir = await mkdtemp(join(tmpdir(), 'porch-caller-errors-'));
  const file = join(credsDir, 'credentials.json');
  await writeFile(
    file,
    JSON.stringify({
      [`${NS}/good`]: { username: 'porch', password: 's3cret' },
      [`${NS}/wrong`]: { username: 'porch', password: 'guess' },
    }),
  );
  process.env.GIT_CREDENTIALS_FILE = file;
  h = await createHarness();
  await h.addRepository('blueprints');
  const src = await createFixtureRepo(h.root, 'private');
  await src.writePackage('app');
  await src.commit('app');
  await src.push();
  forge = await startGitServer(h.root, 0, { auth: { username: 'porch', password: 's3cret' } });
});

afterAll(async () => {
  delete process.env.GIT_CREDENTIALS_FILE;
  await forge?.stop();
  await h?.close();
  if (credsDir) await rm(credsDir, { recursive: true, force: true });
});

const cloneFrom = (name: string, git: Record<string, unknown>) =>
  newRevision('blueprints', name, 'ws1', {
    spec: { tasks: [{ type: 'clone', clone: { upstreamRef: { git: { ref: 'main', directory: 'app', ...git } } } }] },
  });

const count = async () => Number((await h.tdb.db.query('select count(*)::int as n from package_revisions')).rows[0].n);

describe('a clone from git that the caller got wrong', () => {
  it('works with the right credentials (the setup is sound)', async () => {
    const res = await h.call('POST', PR, {
      body: cloneFrom('ok', { repo: `${forge.url}/private.git`, secretRef: { name: 'good' } }),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });

  it('is a 422 saying the credentials were refused, without or with wrong credentials', async () => {
    const before = await count();
    const host = new URL(forge.url).host;
    for (const [name, secretRef] of [
      ['none', undefined],
      ['wrong', { name: 'wrong' }],
    ] as const) {
      const res = await h.call('POST', PR, {
        body: cloneFrom(name, { repo: `${forge.url}/private.git`, ...(secretRef ? { secretRef } : {}) }),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.reason).toBe('Invalid');
      expect(res.body.message).toContain(host);
      expect(res.body.message).toMatch(/credentials/);
      expect(res.body.message).not.toMatch(/authentication required/);
      expect(res.raw.headers?.['retry-after']).toBeUndefined();
    }
    expect(await count()).toBe(before);
  });

  it('is a 422 on the repo field for a repository that does not exist', async () => {
    const before = await count();
    const res = await h.call('POST', PR, { body: cloneFrom('ghost', { repo: `${h.server.url}/no-such-repo.git` }) });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.details.causes[0].field).toBe(`${CLONE}.repo`);
    expect(res.body.message).toContain('no-such-repo.git');
    expect(await count()).toBe(before);
  });

  it('is a 422 naming the secretRef when it names no credentials', async () => {
    const res = await h.call('POST', PR, {
      body: cloneFrom('nosecret', { repo: `${forge.url}/private.git`, secretRef: { name: 'absent' } }),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.details.causes[0].field).toBe(`${CLONE}.secretRef.name`);
    expect(res.body.message).toContain(`"${NS}/absent"`);
    expect(res.body.message).not.toContain(credsDir);
  });

  it('stays a 503 with Retry-After for an unreachable remote', async () => {
    const res = await h.call('POST', PR, { body: cloneFrom('down', { repo: 'http://127.0.0.1:9/x.git' }) });
    expect(res.status).toBe(503);
    expect(res.raw.headers?.['retry-after']).toBeDefined();
  });
});

async function proposed(repository: string, name: string) {
  const created = await h.call('POST', PR, { body: newRevision(repository, name, 'ws1') });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const res = await h.call('PUT', `${PR}/${created.body.metadata.name}`, {
    body: withLifecycle(created.body, 'Proposed'),
  });
  expect(res.status).toBe(200);
  return res.body;
}

async function register(name: string, url: string, secretRef?: string) {
  await insertRepository(h.tdb.db, {
    namespace: NS,
    name,
    repoUrl: url,
    branch: 'main',
    directory: '',
    spec: {
      type: 'git',
      git: { repo: url, branch: 'main', directory: '', ...(secretRef ? { secretRef: { name: secretRef } } : {}) },
    },
    updatedBy: 'test',
  });
}

describe('an approval whose Repository the forge refuses', () => {
  it.each([
    ['a repository that does not exist', 'gone', 'missing.git', undefined, /missing\.git/],
    ['refused credentials', 'locked', 'private.git', 'wrong', /credentials/],
    ['a secretRef with no credentials', 'nokey', 'private.git', 'absent', /"ns1\/absent"/],
  ])('is a 422 for %s; the revision stays Proposed and git is untouched', async (_, name, path, secretRef, text) => {
    const base = secretRef ? forge.url : h.server.url;
    await register(name, `${base}/${path}`, secretRef);
    const body = await proposed(name, 'app');
    const res = await h.call('PUT', `${PR}/${body.metadata.name}/approval`, {
      body: withLifecycle(body, 'Published'),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.message).toMatch(text);
    expect((await h.call('GET', `${PR}/${body.metadata.name}`)).body.spec.lifecycle).toBe('Proposed');
    expect(await git(join(h.root, 'private.git'), 'tag', '--list')).toBe('');
  });
});

describe('deleting a published revision whose Repository the forge refuses', () => {
  it.each([
    ['a repository that does not exist', 'gone-del', 'missing.git', undefined, /missing\.git/],
    ['refused credentials', 'locked-del', 'private.git', 'wrong', /credentials refused/],
  ])('is a 422 for %s; the revision stays DeletionProposed', async (_, name, path, secretRef, text) => {
    const url = `${secretRef ? forge.url : h.server.url}/${path}`;
    await register(name, url, secretRef);
    await createPackageRevision(
      h.tdb.db,
      {
        namespace: NS,
        repository: name,
        packagePath: 'old',
        workspace: 'ws1',
        revision: 1,
        lifecycle: 'DeletionProposed',
        selfLock: { type: 'git', git: { repo: url, directory: 'old', ref: 'old/v1', commit: 'c' } },
        updatedBy: 'test',
      },
      { Kptfile: 'apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: old\n' },
    );
    const res = await h.call('DELETE', `${PR}/${name}.old.ws1`);
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.message).toMatch(text);
    expect((await h.call('GET', `${PR}/${name}.old.ws1`)).body.spec.lifecycle).toBe('DeletionProposed');
  });
});
