import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionRefs } from '../../lib/git/ref-names.js';
import { syncRepository } from '../../lib/sync/sync-repository.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createFixtureRepo, type FixtureRepo } from '../support/git-fixtures.js';
import { startGitServer, type GitServer } from '../support/git-server.js';
import { countingDeps, registerRepository, snapshot, syncRow } from './support/sync-harness.js';

// A remote's ref advertisement can carry names git itself refuses: a NUL (which PostgreSQL cannot store, so it
// stopped the whole sync), control characters, `..`, 60 KB. They are skipped and reported; the others sync.
const HOSTILE = [
  'refs/tags/pkgs/a/v\u00009',
  'refs/tags/pkgs/a/\u001b[2Jv7',
  'refs/tags/pkgs/../a/v8',
  `refs/tags/pkgs/a/${'x'.repeat(60_000)}`,
];
let t: TestDatabase;
let server: GitServer;
let repo: FixtureRepo;
let root: string;

beforeAll(async () => {
  t = await createTestDatabase();
  root = await mkdtemp(join(tmpdir(), 'porch-refnames-'));
  server = await startGitServer(root);
  repo = await createFixtureRepo(root, 'catalog');
  await repo.writePackage('pkgs/a', { 'cm.yaml': 'kind: ConfigMap\n' });
  await repo.commit('a');
  await repo.tag('pkgs/a/v1');
  await repo.push();
  await registerRepository(t.db, { name: 'catalog', url: `${server.url}/catalog.git`, directory: 'pkgs' });
});

afterAll(async () => {
  await server?.stop();
  await t?.drop();
  await rm(root, { recursive: true, force: true });
});

describe('hostile ref names', () => {
  it('are skipped and reported, and the rest of the repository syncs', async () => {
    const { deps } = countingDeps();
    const hostile = {
      ...deps,
      git: {
        ...deps.git,
        listRemoteRefs: async (remote: Parameters<typeof deps.git.listRemoteRefs>[0]) => {
          const refs = await deps.git.listRemoteRefs(remote);
          const v1 = refs['refs/tags/pkgs/a/v1']!;
          return { ...refs, ...Object.fromEntries(HOSTILE.map((name) => [name, v1])) };
        },
      },
    };
    expect(await syncRepository(t.db, 'ns', 'catalog', hostile)).toMatchObject({ ran: true, state: 'Ready' });
    const names = (await snapshot(t.db, 'catalog')).revisions.map((r) => r.name);
    expect(names).toEqual(['catalog.a.main', 'catalog.a.v1']);
    const state = await syncRow(t.db, 'catalog');
    const skipped = state.skipped as { ref: string; reason: string }[];
    expect(skipped).toHaveLength(4);
    expect(skipped.map((s) => s.ref)).toContain('refs/tags/pkgs/a/v\\x009');
    const control = [...Array(32).keys()].map((c) => String.fromCharCode(c));
    expect(skipped.every((s) => s.ref.length < 300 && !control.some((c) => s.ref.includes(c)))).toBe(true);
  });
});

describe('partitionRefs', () => {
  it('keeps names git accepts and refuses the rest', () => {
    const ok = ['refs/heads/main', 'refs/tags/pkgs/a/v1', 'refs/tags/ünï/v1', 'refs/heads/a.b/c'];
    const bad = [
      'refs/heads/a..b',
      'refs/heads/.hidden',
      'refs/heads/x.lock',
      'refs/heads/a b',
      'refs/heads/a@{1}',
      'refs/heads/a\ufffdb',
      'refs/heads//x',
    ];
    const { refs, skipped } = partitionRefs(Object.fromEntries([...ok, ...bad].map((n) => [n, '0'.repeat(40)])));
    expect(Object.keys(refs)).toEqual(ok);
    expect(skipped).toHaveLength(bad.length);
  });
});
