import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { KptfileError } from '../../../lib/kpt/errors.js';
import {
  setConditions,
  setName,
  setPackageMetadata,
  setReadinessGates,
  setUpstream,
  upstreamFromLock,
} from '../../../lib/kpt/kptfile-edit.js';
import { parseKptfile, readKptfile } from '../../../lib/kpt/kptfile-read.js';
import type { Lock } from '../../../lib/kpt/types.js';

// A Kptfile with a comment in every place YAML allows one.
const everywhere = `# file head comment

# document head comment
apiVersion: kpt.dev/v1 # apiVersion line
kind: Kptfile # kind line
# before metadata
metadata: # metadata line
  # before name
  name: pkg # name line
  labels: # labels line
    # before team
    team: net # team line
  annotations:
    config.kubernetes.io/local-config: "true" # local line
# before upstream
upstream:
  type: git # type line
  git: # git line
    repo: https://example.com/r.git # repo line
    directory: a # dir line
    ref: a/v1 # ref line
upstreamLock:
  type: git
  git:
    repo: https://example.com/r.git
    directory: a
    ref: a/v1
    commit: "0001" # commit line
info: # info line
  description: d # description line
  # before gates
  readinessGates:
  # before first gate
  - conditionType: A # gate A line
  - conditionType: B
pipeline:
  mutators:
  # before mutator
  - image: ghcr.io/kptdev/krm-functions-catalog/set-labels:v0.2 # image line
    configMap: # configMap line
      env: prod # env line
status:
  conditions:
  # before first condition
  - type: A # cond A line
    status: "True" # cond status line
# footer comment
`;

const commentsOf = (text: string) =>
  text
    .split(/\r?\n/)
    .map((l) => /#.*$/.exec(l)?.[0])
    .filter((c): c is string => c !== undefined);

const lock: Lock = {
  type: 'git',
  git: { repo: 'https://example.com/r.git', directory: 'a', ref: 'a/v2', commit: '0002' },
};

describe('a Kptfile with comments everywhere', () => {
  it('reads', () => {
    const fields = readKptfile(everywhere);
    expect(fields.name).toBe('pkg');
    expect(fields.readinessGates).toEqual([{ conditionType: 'A' }, { conditionType: 'B' }]);
    expect(fields.upstreamLock?.git.commit).toBe('0001');
  });

  it.each([
    ['setName', (t: string) => setName(t, 'other'), []],
    ['setPackageMetadata merge', (t: string) => setPackageMetadata(t, { labels: { env: 'prod' } }, 'merge'), []],
    [
      'setPackageMetadata replace',
      (t: string) => setPackageMetadata(t, { labels: { team: 'x', env: 'prod' } }, 'replace'),
      [],
    ],
    ['setReadinessGates', (t: string) => setReadinessGates(t, [{ conditionType: 'A' }, { conditionType: 'C' }]), []],
    [
      'setConditions',
      (t: string) =>
        setConditions(t, [
          { type: 'A', status: 'False' },
          { type: 'B', status: 'True' },
        ]),
      [],
    ],
    ['setUpstream', (t: string) => setUpstream(t, upstreamFromLock(lock), lock), []],
  ] as [string, (t: string) => string, string[]][])('%s keeps every comment in its place', (_, edit) => {
    const out = edit(everywhere);
    expect(out).not.toBe(everywhere);
    expect(commentsOf(out)).toEqual(commentsOf(everywhere));
    expect(out.startsWith('# file head comment\n\n# document head comment\napiVersion')).toBe(true);
    expect(out.endsWith('# footer comment\n')).toBe(true);
  });

  it('changes only the edited lines', () => {
    const out = setUpstream(everywhere, upstreamFromLock(lock), lock);
    const before = everywhere.split('\n');
    const after = out.split('\n');
    expect(after.length).toBe(before.length);
    const changed = after.filter((line, i) => line !== before[i]);
    expect(changed).toEqual(['    ref: a/v2 # ref line', '    ref: a/v2', '    commit: "0002" # commit line']);
  });

  it('drops the comments of removed entries only', () => {
    const out = setReadinessGates(everywhere, [{ conditionType: 'B' }]);
    expect(out).not.toContain('gate A line');
    expect(out).toContain('# before gates');
    expect(readKptfile(out).readinessGates).toEqual([{ conditionType: 'B' }]);
  });
});

describe('line endings and encoding', () => {
  const crlf = everywhere.replace(/\n/g, '\r\n');

  it.each([
    ['setName', (t: string) => setName(t, 'other')],
    ['setPackageMetadata', (t: string) => setPackageMetadata(t, { annotations: { a: 'b' } }, 'replace')],
    ['setReadinessGates', (t: string) => setReadinessGates(t, [])],
    ['setConditions', (t: string) => setConditions(t, [{ type: 'Z', status: 'Unknown', message: 'a\nb' }])],
    ['setUpstream', (t: string) => setUpstream(t, upstreamFromLock(lock), lock)],
  ] as [string, (t: string) => string][])('%s keeps CRLF everywhere', (_, edit) => {
    const out = edit(crlf);
    expect(out).not.toBe(crlf);
    expect(out.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(out.replace(/\r\n/g, '\n')).toBe(edit(everywhere));
  });

  it('keeps a byte order mark', () => {
    const out = setName('\uFEFFapiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: x\n', 'y');
    expect(out).toBe('\uFEFFapiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: y\n');
  });

  it('keeps non-ASCII text and quotes what needs quoting', () => {
    const out = setPackageMetadata(
      'metadata:\n  name: x\n',
      { labels: { 'app/name': 'ünï', empty: '', n: '007', t: 'yes' } },
      'merge',
    );
    expect(readKptfile(out).packageMetadata.labels).toEqual({ 'app/name': 'ünï', empty: '', n: '007', t: 'yes' });
    expect(parse(out).metadata.labels).toEqual({ 'app/name': 'ünï', empty: '', n: '007', t: 'yes' });
  });

  it('refuses tab indentation with the line number', () => {
    expect(() => setName('metadata:\n\tname: x\n', 'y')).toThrow(/Tabs are not allowed.*line 2/);
  });
});

describe('document markers and multiple documents', () => {
  it('keeps a leading --- and the comment before it', () => {
    const text = '# head\n---\napiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: x\n';
    expect(setName(text, 'y')).toBe(text.replace('name: x', 'name: y'));
  });

  it('refuses to read or edit a multi-document Kptfile', () => {
    const text = 'apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: x\n---\nkind: Other\n';
    expect(() => readKptfile(text)).toThrow(KptfileError);
    expect(() => setName(text, 'y')).toThrow('expected one YAML document, found 2');
  });

  it('accepts a document end marker', () => {
    expect(readKptfile('metadata:\n  name: x\n...\n').name).toBe('x');
  });
});

describe('empty and unusual shapes', () => {
  it.each([
    ['labels: {}', 'metadata:\n  name: x\n  labels: {}\n'],
    ['labels with no value', 'metadata:\n  name: x\n  labels:\n'],
    ['labels: null', 'metadata:\n  name: x\n  labels: null\n'],
    ['no labels', 'metadata:\n  name: x\n'],
  ])('%s reads as no labels and takes new ones', (_, text) => {
    expect(readKptfile(text).packageMetadata).toEqual({});
    const out = setPackageMetadata(text, { labels: { a: 'b' } }, 'replace');
    expect(readKptfile(out).packageMetadata).toEqual({ labels: { a: 'b' } });
  });

  it('replacing with empty labels removes them; merging nothing changes nothing', () => {
    const text = 'metadata:\n  name: x\n  labels:\n    a: b\n';
    expect(setPackageMetadata(text, { labels: {} }, 'replace')).toBe('metadata:\n  name: x\n');
    expect(setPackageMetadata(text, { labels: {} }, 'merge')).toBe(text);
    expect(setPackageMetadata(text, {}, 'replace')).toBe(text);
  });

  it('edits flow-style metadata into valid YAML', () => {
    const out = setPackageMetadata(
      'apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata: {name: x}\n',
      { labels: { a: 'b' } },
      'replace',
    );
    expect(readKptfile(out)).toMatchObject({ name: 'x', packageMetadata: { labels: { a: 'b' } } });
  });

  it('edits a JSON Kptfile into valid YAML', () => {
    const out = setReadinessGates('{"apiVersion":"kpt.dev/v1","kind":"Kptfile","metadata":{"name":"x"}}', [
      { conditionType: 'R' },
    ]);
    expect(readKptfile(out)).toMatchObject({ name: 'x', readinessGates: [{ conditionType: 'R' }] });
  });

  it('expands aliases so an edit of one map does not change another', () => {
    const text = 'metadata:\n  name: x\n  labels: &shared\n    a: b\n  annotations: *shared\n';
    expect(readKptfile(text).packageMetadata).toEqual({ labels: { a: 'b' }, annotations: { a: 'b' } });
    const out = setPackageMetadata(text, { labels: { c: 'd' } }, 'replace');
    expect(readKptfile(out).packageMetadata).toEqual({ labels: { c: 'd' }, annotations: { a: 'b' } });
  });

  it('writes multi-line condition messages as block scalars that read back', () => {
    const message = 'line one\nline two: with a colon and # hash';
    const out = setConditions('metadata:\n  name: x\n', [{ type: 'A', status: 'False', message }]);
    expect(readKptfile(out).conditions).toEqual([{ type: 'A', status: 'False', message }]);
  });

  it('keeps the last of duplicated condition types and gates once', () => {
    const out = setConditions('metadata:\n  name: x\n', [
      { type: 'A', status: 'True' },
      { type: 'A', status: 'False', reason: 'later' },
    ]);
    expect(readKptfile(out).conditions).toEqual([{ type: 'A', status: 'False', reason: 'later' }]);
  });

  it('replaces a scalar where a mapping belongs', () => {
    const out = setReadinessGates('metadata:\n  name: x\ninfo: ""\n', [{ conditionType: 'R' }]);
    expect(readKptfile(out).readinessGates).toEqual([{ conditionType: 'R' }]);
  });
});

describe('Kptfile aliases', () => {
  const head = 'apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: x\n';
  it('refuses an alias to no anchor (editing such a Kptfile later threw, a 500)', () => {
    expect(() => parseKptfile(`${head}info:\n  description: *nope\n`)).toThrow(KptfileError);
    expect(() => setPackageMetadata(`${head}x: *nope\n`, { labels: { a: 'b' } }, 'replace')).toThrow(KptfileError);
  });

  it('refuses an alias bomb instead of expanding it (memory grows exponentially with its depth)', () => {
    const levels = ['a: &a [x,x,x,x,x,x,x,x,x]'];
    for (let i = 1; i < 6; i++)
      levels.push(
        `l${i}: &l${i} [${Array(9)
          .fill(i === 1 ? '*a' : `*l${i - 1}`)
          .join(',')}]`,
      );
    expect(() => parseKptfile(`${head}${levels.join('\n')}\n`)).toThrow(/alias/i);
  });

  it('still reads a Kptfile with a few ordinary aliases', () => {
    const text = `${head}  labels: &l {app: web}\n  annotations: *l\n`;
    expect(readKptfile(text).packageMetadata).toEqual({ labels: { app: 'web' }, annotations: { app: 'web' } });
  });
});
