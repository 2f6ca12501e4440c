import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectStore } from '../../lib/git/object-store.js';
import { encodeTree, hashObject, parseCommit } from '../../lib/git/objects.js';
import { applyDelta, unpack, writePack } from '../../lib/git/pack-file.js';
import { testBudget } from '../support/git-transport.js';
import { writeFilesTree } from '../../lib/git/tree-edit.js';
import { createFixtureRepo, git, gitEnv, type FixtureRepo } from '../support/git-fixtures.js';

let root: string;
let repo: FixtureRepo;

/** Runs git with stdin, returning stdout as bytes. */
function gitBytes(cwd: string, args: string[], input?: Buffer): Promise<Buffer> {
  return new Promise((ok, fail) => {
    const child = execFile(
      'git',
      args,
      { cwd, env: gitEnv, encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 },
      (e, out) => (e ? fail(e) : ok(out)),
    );
    child.stdin!.end(input);
  });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'porch-pack-'));
  repo = await createFixtureRepo(root, 'packs');
  // Many similar versions of one file so git packs them as deltas (ofs-delta) of each other.
  const big = Array.from({ length: 400 }, (_, i) => `line ${i}: ${'x'.repeat(i % 50)}`).join('\n');
  for (let v = 0; v < 8; v++) {
    await repo.writePackage('pkgs/a', { 'big.yaml': `${big}\nversion: ${v}\n`, 'bin.dat': Buffer.from([v, 0, 1, 2]) });
    await repo.commit(`v${v}`);
  }
  await repo.push();
  await repo.bare('repack', '-adf', '--depth=10');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('packfiles', () => {
  it.each([
    ['ofs-delta', ['--delta-base-offset']],
    ['ref-delta', []],
  ])('unpacks a pack git made with %s deltas into exactly the objects git has', async (_kind, flags) => {
    const list = (await repo.bare('rev-list', '--objects', '--all')).split('\n').map((l) => l.split(' ')[0]!);
    const pack = await gitBytes(
      repo.bareDir,
      ['pack-objects', '--stdout', ...flags],
      Buffer.from(list.join('\n') + '\n'),
    );
    // The pack really holds deltas: index it and count them.
    const packDir = await mkdtemp(join(tmpdir(), 'porch-pack-check-'));
    await writeFile(join(packDir, 'p.pack'), pack);
    await git(packDir, 'index-pack', 'p.pack');
    const stats = await git(packDir, 'verify-pack', '-v', 'p.idx');
    expect(stats).toMatch(/chain length = [1-9]/);
    await rm(packDir, { recursive: true, force: true });
    const store = new ObjectStore();
    unpack(pack, store, testBudget());
    for (const oid of list) {
      expect(store.has(oid), oid).toBe(true);
      const type = (await repo.bare('cat-file', '-t', oid)) as 'blob';
      expect(store.get(oid).data.equals(await gitBytes(repo.bareDir, ['cat-file', type, oid]))).toBe(true);
    }
    const head = await repo.bare('rev-parse', 'main');
    expect(parseCommit(store.get(head).data)).toMatchObject({
      tree: await repo.bare('rev-parse', 'main^{tree}'),
      message: 'v7\n',
    });
  });

  it('writes objects and packs git accepts', async () => {
    const store = new ObjectStore();
    const tree = writeFilesTree(store, { Kptfile: 'kind: Kptfile\n', 'a/b.yaml': 'b: 1\n', 'z.txt': 'z' });
    const target = await mkdtemp(join(tmpdir(), 'porch-pack-target-'));
    await git(target, 'init', '--bare', '--quiet');
    const pack = writePack([...store.written].map((oid) => store.get(oid)));
    await gitBytes(target, ['index-pack', '--stdin', '--strict', '--fix-thin'], pack);
    expect((await git(target, 'ls-tree', '-r', tree)).split('\n').map((l) => l.split('\t')[1])).toEqual([
      'Kptfile',
      'a/b.yaml',
      'z.txt',
    ]);
    expect(hashObject('blob', Buffer.from('b: 1\n'))).toBe(await git(target, 'rev-parse', `${tree}:a/b.yaml`));
    await rm(target, { recursive: true, force: true });
  });

  it('orders tree entries as git does (a directory sorts as name + "/")', async () => {
    const store = new ObjectStore();
    const blob = store.writeBlob('x');
    const sub = store.writeTree([{ mode: '100644', name: 'f', oid: blob }]);
    const entries = [
      { mode: '100644', name: 'a.b', oid: blob },
      { mode: '40000', name: 'a', oid: sub },
      { mode: '100644', name: 'a-', oid: blob },
    ];
    const mktree = await gitBytes(
      repo.bareDir,
      ['mktree', '--missing'],
      Buffer.from(`100644 blob ${blob}\ta.b\n040000 tree ${sub}\ta\n100644 blob ${blob}\ta-\n`),
    );
    expect(hashObject('tree', encodeTree(entries))).toBe(mktree.toString().trim());
  });

  it('applies copy and insert delta instructions', () => {
    const base = Buffer.from('hello world');
    // size 11 → 11; copy offset 0 size 6 ("hello "), insert "git!".
    const delta = Buffer.from([11, 10, 0x90, 6, 4, ...Buffer.from('git!')]);
    expect(applyDelta(base, delta, testBudget()).toString()).toBe('hello git!');
  });
  it('keeps an unpacked small object in memory of about its size, not in a zlib output chunk', () => {
    const blobs = Array.from({ length: 1000 }, (_, i) => ({ type: 'blob' as const, data: Buffer.from(`n: ${i}\n`) }));
    const store = new ObjectStore();
    unpack(writePack(blobs), store, testBudget());
    // Memory an object keeps alive is the whole ArrayBuffer behind it, whatever slice of it the object is.
    const backing = new Set(blobs.map((b) => store.get(hashObject('blob', b.data)).data.buffer));
    const held = [...backing].reduce((n, ab) => n + ab.byteLength, 0);
    // 1,000 objects of under 10 bytes: a few pooled 8 KiB slabs, not a 16 KiB chunk each (16 MiB).
    expect(held).toBeLessThan(256 * 1024);
  });
});
