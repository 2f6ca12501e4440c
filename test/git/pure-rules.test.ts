import { describe, expect, it } from 'vitest';
import { approvalCommitMessage } from '../../lib/kpt/commit-message.js';
import { decodeText } from '../../lib/git/package-tree.js';
import { PktReader, pktLine } from '../../lib/git/pkt-line.js';
import { deletionProposedRef, fullPath, normalizeDirectory, packagePathIn, parseRevision, parseTagRef } from '../../lib/git/ref-names.js';
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
  it('follow §7.4.5', () => {
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
    const reader = new PktReader((async function* () { yield* chunks; })());
    expect((await reader.read()).toString()).toBe('hello\n');
    expect(await reader.read()).toBe('delim');
    expect((await reader.read()).toString()).toBe('x');
    expect(await reader.read()).toBe('flush');
    expect(await reader.read()).toBe('end');
  });
});
