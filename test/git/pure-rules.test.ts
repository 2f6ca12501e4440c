import { describe, expect, it } from 'vitest';
import { ObjectStore } from '../../lib/git/object-store.js';
import { readPackageFiles } from '../../lib/git/package-tree.js';
import { writeFilesTree } from '../../lib/git/tree-edit.js';
import { approvalCommitMessage } from '../../lib/kpt/commit-message.js';
import { dedupe } from '../../lib/git/dedupe-revisions.js';
import { selectCandidates } from '../../lib/git/select-candidates.js';
import type { DiscoveredRevision } from '../../lib/git/types.js';
import { decodeText } from '../../lib/kpt/resource-validation.js';
import { PktReader, pktLine } from '../../lib/git/pkt-line.js';
import {
  deletionProposedRef,
  fullPath,
  normalizeDirectory,
  packagePathIn,
  parseRevision,
  parseTagRef,
} from '../../lib/git/ref-names.js';
import { resolveAuthor } from '../../lib/git/signature.js';
import { storageProblem } from '../../lib/git/storage-rules.js';
import { mentionsPackage } from '../../lib/git/tasks-from-commits.js';

describe('ref names', () => {
  it('parses tag suffixes as Porch does', () => {
    expect(parseRevision('v3')).toBe(3);
    expect(parseRevision('7')).toBe(7);
    expect(parseRevision('v2.0.0')).toBe(-1);
    expect(parseRevision('v0')).toBe(0);
    expect(parseRevision('v-5')).toBe(-5);
    expect(parseRevision('vv1')).toBe(-1);
    expect(parseRevision('v007')).toBe(7);
    expect(parseRevision('v99999999999999999999')).toBe(-1);
  });

  it('splits tags and places packages relative to the directory', () => {
    expect(parseTagRef('refs/tags/a/b/v1')).toEqual({ path: 'a/b', suffix: 'v1' });
    expect(parseTagRef('refs/tags/v1')).toBeUndefined();
    expect(parseTagRef('refs/heads/a/v1')).toBeUndefined();
    expect(packagePathIn('catalog', 'catalog/net/vpc')).toBe('net/vpc');
    expect(packagePathIn('catalog', 'catalogue/x')).toBeUndefined();
    expect(packagePathIn('catalog', 'catalog')).toBeUndefined();
    expect(packagePathIn('', 'x/y')).toBe('x/y');
    expect(normalizeDirectory('/a/b/')).toBe('a/b');
    expect(fullPath('', 'p')).toBe('p');
    expect(fullPath('d', 'p')).toBe('d/p');
    expect(deletionProposedRef('d/p', 2, 'ws')).toBe('refs/heads/deletionProposed/d/p/v2');
    expect(deletionProposedRef('d/p', -1, 'main')).toBe('refs/heads/deletionProposed/d/p/main');
  });
});

describe('storage rules', () => {
  it('accepts what the schema holds and names the rest', () => {
    expect(storageProblem('net/vpc', 'ws-1', 1, 'repo')).toBeUndefined();
    expect(storageProblem('oai', 'v2.0.0', -1)).toBeUndefined();
    expect(storageProblem('oai', 'v2.0.0', 2)).toMatch(/workspace "v2.0.0"/);
    expect(storageProblem('p', 'v0', 0)).toMatch(/revision 0/);
    expect(storageProblem('p', 'v-5', -5)).toMatch(/negative/);
    expect(storageProblem('p', 'Bad_Name', -1)).toMatch(/not a valid Kubernetes name/);
    expect(storageProblem('Net/vpc', 'w', 1)).toMatch(/package path "Net\/vpc"/);
    expect(storageProblem('', 'w', 1)).toMatch(/directory itself/);
    expect(storageProblem('p', 'w', 1, 'r'.repeat(250))).toMatch(/longer than 253/);
  });
});

describe('approval commits', () => {
  it('are recognised by an annotation for the package', () => {
    const approval = approvalCommitMessage({ packagePath: 'a/b', workspaceName: 'w', revision: 3 });
    expect(mentionsPackage(approval, 'a/b')).toBe(true);
    expect(mentionsPackage(approval, 'a')).toBe(false);
    expect(mentionsPackage('Merge branch x', 'a/b')).toBe(false);
  });
});

describe('signatures', () => {
  it('follow docs/porch-semantics.md §7.4 step 5', () => {
    expect(resolveAuthor({ author: 'A', email: 'a@x', user: 'u' })).toEqual({ name: 'A', email: 'a@x' });
    expect(resolveAuthor({ email: 'a@x', user: 'u' })).toEqual({ name: 'a@x', email: 'a@x' });
    expect(resolveAuthor({ user: 'u' })).toEqual({ name: 'u', email: 'u' });
    expect(resolveAuthor({})).toEqual({ name: 'Package Orchestration Service', email: 'porch@kpt.dev' });
  });
});

describe('text files and pkt-lines', () => {
  it('drops NUL and invalid UTF-8, keeps UTF-8', () => {
    expect(decodeText(Buffer.from('héllo\n'))).toBe('héllo\n');
    expect(decodeText(Buffer.from([0x61, 0]))).toBeUndefined();
    expect(decodeText(Buffer.from([0xff, 0xfe]))).toBeUndefined();
  });

  it('reads packets split across chunks', async () => {
    const bytes = Buffer.concat([pktLine('hello\n'), Buffer.from('0001'), pktLine('x'), Buffer.from('0000')]);
    const chunks = [bytes.subarray(0, 3), bytes.subarray(3, 9), bytes.subarray(9)];
    const reader = new PktReader(
      (async function* () {
        yield* chunks;
      })(),
    );
    expect((await reader.read()).toString()).toBe('hello\n');
    expect(await reader.read()).toBe('delim');
    expect((await reader.read()).toString()).toBe('x');
    expect(await reader.read()).toBe('flush');
    expect(await reader.read()).toBe('end');
  });
});

describe('selectCandidates', () => {
  it('keeps the branch and package tags below the directory, canonical names first; ignores drafts and proposals', () => {
    const refs = {
      'refs/heads/main': 'a',
      'refs/heads/drafts/cat/p/ws': 'b',
      'refs/heads/proposed/cat/p/ws': 'c',
      'refs/heads/deletionProposed/cat/p/v2': 'd',
      'refs/tags/cat/p/7': 'e',
      'refs/tags/cat/p/v7': 'f',
      'refs/tags/cat/p/v0': 'g',
      'refs/tags/other/p/v1': 'h',
      'refs/tags/release': 'i',
    };
    const c = selectCandidates(refs, 'main', 'cat');
    expect(c.branch).toEqual({ fullRef: 'refs/heads/main', commit: 'a' });
    expect(c.tags.map((t) => t.fullRef)).toEqual(['refs/tags/cat/p/v7', 'refs/tags/cat/p/7']);
    expect([...c.deletionProposed]).toEqual(['cat/p/v2']);
    expect(c.skipped.map((s) => s.ref)).toEqual(['refs/tags/cat/p/v0']);
    expect(selectCandidates(refs, 'main', 'cat', ['refs/tags/cat/p/7']).branch).toBeUndefined();
  });
});

describe('dedupe', () => {
  const rev = (fullRef: string, workspace: string, revision: number) =>
    ({ packagePath: 'p', workspace, revision, fullRef }) as DiscoveredRevision;

  it('keeps the first ref of a name or a number and reports the others', () => {
    const skipped: { ref: string; reason: string }[] = [];
    const kept = dedupe(
      [
        rev('refs/heads/main', 'main', -1),
        rev('refs/tags/p/v7', 'v7', 7),
        rev('refs/tags/p/7', 'v7', 7),
        rev('refs/tags/p/v8', 'main', 8),
        rev('refs/tags/p/v9', 'x', 7),
      ],
      skipped,
    );
    expect(kept.map((r) => r.fullRef)).toEqual(['refs/heads/main', 'refs/tags/p/v7']);
    expect(skipped.map((s) => s.ref)).toEqual(['refs/tags/p/7', 'refs/tags/p/v8', 'refs/tags/p/v9']);
    expect(skipped[0]!.reason).toMatch(/clashes with refs\/tags\/p\/v7/);
  });

  it("keeps the higher of two numbered tags of one workspace (the lower is a failed approval's, edited since)", () => {
    const skipped: { ref: string; reason: string }[] = [];
    const kept = dedupe(
      [rev('refs/tags/p/v1', 'ws1', 1), rev('refs/tags/p/v2', 'ws1', 2), rev('refs/tags/p/v3', 'ws3', 1)],
      skipped,
    );
    expect(kept.map((r) => r.fullRef)).toEqual(['refs/tags/p/v2', 'refs/tags/p/v3']);
    expect(skipped).toEqual([
      { ref: 'refs/tags/p/v1', reason: 'package "p" revision 1 workspace "ws1" clashes with refs/tags/p/v2' },
    ]);
    // a higher number that is taken by another workspace does not displace anything
    const taken: { ref: string; reason: string }[] = [];
    const kept2 = dedupe(
      [rev('refs/tags/p/v1', 'ws1', 1), rev('refs/tags/p/v2', 'ws2', 2), rev('refs/tags/p/x', 'ws1', 2)],
      taken,
    );
    expect(kept2.map((r) => r.fullRef)).toEqual(['refs/tags/p/v1', 'refs/tags/p/v2']);
    expect(taken.map((s) => s.ref)).toEqual(['refs/tags/p/x']);
  });
});

describe('readPackageFiles', () => {
  it('keeps a file named __proto__ (an assignment set the prototype instead, dropping the file)', () => {
    const store = new ObjectStore();
    const files = Object.fromEntries([
      ['Kptfile', 'k: 1\n'],
      ['__proto__', 'x: 1\n'],
      ['sub/__proto__', 'y: 2\n'],
    ]);
    const read = readPackageFiles(store, writeFilesTree(store, files));
    expect(Object.keys(read).sort()).toEqual(['Kptfile', '__proto__', 'sub/__proto__']);
    expect(read['__proto__']).toBe('x: 1\n');
  });
});
