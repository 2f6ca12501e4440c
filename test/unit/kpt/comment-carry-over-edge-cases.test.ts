import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { carryOverComments } from '../../../lib/kpt/comment-carry-over.js';

const cm = (name: string, body: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${body}`;
const values = (text: string) => parseAllDocuments(text).map((d) => d.toJS());

describe('carryOverComments edge cases', () => {
  it('never changes data, only comments', () => {
    const previous = { 'a.yaml': cm('a', 'data:\n  k: v # kept\n  list: "1"\n') };
    const next = { 'a.yaml': cm('a', 'data:\n  k: changed\n  other: "x"\n') };
    const out = carryOverComments(previous, next);
    expect(values(out['a.yaml'])).toEqual(values(next['a.yaml']));
    expect(out['a.yaml']).toContain('k: changed # kept');
  });

  it('handles resources added to, removed from and reordered in a multi-document file', () => {
    const previous = {
      'all.yaml': `${cm('one', 'data: # one data\n  a: "1"\n')}---\n# two head\n${cm('two', 'data: {}\n')}`,
    };
    const next = {
      'all.yaml': `${cm('three', 'data:\n  c: "3"\n')}---\n${cm('one', 'data:\n  a: "1"\n')}`,
    };
    const out = carryOverComments(previous, next)['all.yaml'];
    expect(values(out)).toEqual(values(next['all.yaml']));
    expect(out).toBe(`${cm('three', 'data:\n  c: "3"\n')}---\n${cm('one', 'data: # one data\n  a: "1"\n')}`);
    expect(out).not.toContain('two head');
  });

  it('matches a resource once per identity even when the new file repeats it', () => {
    const previous = { 'a.yaml': cm('dup', 'data:\n  a: "1" # first\n') };
    const next = { 'a.yaml': `${cm('dup', 'data:\n  a: "1"\n')}---\n${cm('dup', 'data:\n  a: "2"\n')}` };
    const out = carryOverComments(previous, next)['a.yaml'];
    expect(out.match(/# first/g)).toHaveLength(2);
  });

  it('copies list comments by value for scalars and by name for mappings', () => {
    const previous = {
      'p.yaml': cm(
        'p',
        'data:\n  items:\n  - a # the a\n  - b # the b\n  ports:\n  - name: http # web\n    port: 80\n',
      ),
    };
    const next = {
      'p.yaml': cm(
        'p',
        'data:\n  items:\n  - b\n  - c\n  ports:\n  - name: metrics\n    port: 9090\n  - name: http\n    port: 8080\n',
      ),
    };
    const out = carryOverComments(previous, next)['p.yaml'];
    expect(out).toContain('  - b # the b\n  - c\n');
    expect(out).toContain('  - name: metrics\n    port: 9090\n  - name: http # web\n    port: 8080\n');
    expect(out).not.toContain('the a');
  });

  it('does not copy comments between nodes of different shapes', () => {
    const previous = { 'a.yaml': cm('a', 'data: # was a map\n  k: v\n') };
    const next = { 'a.yaml': cm('a', 'data: "scalar now"\n') };
    expect(carryOverComments(previous, next)['a.yaml']).toBe(next['a.yaml']);
  });

  it('keeps the comment above a key whose value changed shape, not the key-line one', () => {
    const previous = { 'a.yaml': cm('a', '# about data\ndata: # was a map\n  k: v\n') };
    const next = { 'a.yaml': cm('a', 'data: "scalar now"\n') };
    expect(carryOverComments(previous, next)['a.yaml']).toBe(cm('a', '# about data\ndata: "scalar now"\n'));
  });

  it('keeps comments of files deleted from the package out of the result', () => {
    const previous = { 'gone.yaml': cm('gone', 'data: {} # bye\n'), Kptfile: 'kind: Kptfile\nmetadata:\n  name: k\n' };
    const next = { Kptfile: 'kind: Kptfile\nmetadata:\n  name: k\n' };
    expect(carryOverComments(previous, next)).toEqual(next);
  });

  it('copes with empty files, empty documents and comment-only files', () => {
    const previous = { 'a.yaml': cm('a', 'data: {} # c\n') };
    const next = {
      'empty.yaml': '',
      'only.yaml': '# nothing here\n',
      'docs.yaml': '---\n---\n',
      'a.yaml': cm('a', 'data: {}\n'),
    };
    const out = carryOverComments(previous, next);
    expect(out['empty.yaml']).toBe('');
    expect(out['only.yaml']).toBe('# nothing here\n');
    expect(out['docs.yaml']).toBe('---\n---\n');
    expect(out['a.yaml']).toContain('data: {} # c');
  });

  it('ignores unparseable previous files', () => {
    const previous = { 'bad.yaml': 'kind: [\n', 'a.yaml': cm('a', 'data: {} # c\n') };
    expect(carryOverComments(previous, { 'a.yaml': cm('a', 'data: {}\n') })['a.yaml']).toContain('# c');
  });

  it('does not modify its inputs', () => {
    const previous = { 'a.yaml': cm('a', 'data: {} # c\n') };
    const next = { 'a.yaml': cm('a', 'data: {}\n') };
    const copy = structuredClone(next);
    carryOverComments(previous, next);
    expect(next).toEqual(copy);
  });
});
