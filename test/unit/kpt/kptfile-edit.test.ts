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
import { readKptfile } from '../../../lib/kpt/kptfile-read.js';
import type { Lock } from '../../../lib/kpt/types.js';

const commented = `# Kptfile of the vpc package
apiVersion: kpt.dev/v1 # version
kind: Kptfile
metadata: # meta
  name: vpc
  # labels the team chose
  labels:
    team: net # owning team
    old: gone
  annotations:
    config.kubernetes.io/local-config: "true"
info:
  description: a vpc # short
  keywords:
  - net
  readinessGates:
  # the first gate
  - conditionType: Ready
  - conditionType: Dropped
pipeline:
  mutators:
  - image: set-labels:v0.1 # keep me
status:
  conditions:
  # rendered by kpt
  - type: Rendered
    status: "True"
    reason: RenderSuccess # renders
  - type: Old
    status: "False"
# trailing comment
`;

const lock: Lock = {
  type: 'git',
  git: { repo: 'http://git.example/blueprints', directory: '/net/vpc', ref: 'pkgs/net/vpc/v3', commit: 'abc123' },
};

describe('setPackageMetadata', () => {
  it('replaces labels and keeps comments of surviving keys and of the rest of the file', () => {
    const out = setPackageMetadata(commented, { labels: { team: 'infra', env: 'prod' } }, 'replace');
    expect(readKptfile(out).packageMetadata.labels).toEqual({ team: 'infra', env: 'prod' });
    expect(out).toContain('team: infra # owning team');
    expect(out).not.toContain('old: gone');
    for (const comment of [
      '# Kptfile of the vpc package',
      '# version',
      '# meta',
      '# labels the team chose',
      '# short',
      '# the first gate',
      '# keep me',
      '# rendered by kpt',
      '# renders',
      '# trailing comment',
    ]) {
      expect(out).toContain(comment);
    }
    expect(out).toContain('  keywords:\n  - net\n');
  });

  it('leaves a map that is not given alone, and removes one replaced by {}', () => {
    const out = setPackageMetadata(commented, { annotations: {} }, 'replace');
    const fields = readKptfile(out);
    expect(fields.packageMetadata).toEqual({ labels: { team: 'net', old: 'gone' } });
    expect(out).not.toContain('annotations');
  });

  it('merges on create, keeping keys the task produced', () => {
    const out = setPackageMetadata(commented, { labels: { env: 'prod' }, annotations: { a: 'b' } }, 'merge');
    expect(readKptfile(out).packageMetadata).toEqual({
      labels: { team: 'net', old: 'gone', env: 'prod' },
      annotations: { 'config.kubernetes.io/local-config': 'true', a: 'b' },
    });
  });

  it('adds labels before annotations in a Kptfile that had none, quoting values YAML would retype', () => {
    const text = 'apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: x\n  annotations:\n    a: b\n';
    const out = setPackageMetadata(text, { labels: { on: 'true', n: '1' } }, 'replace');
    expect(out).toBe(
      'apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: x\n  labels:\n    on: "true"\n    n: "1"\n' +
        '  annotations:\n    a: b\n',
    );
    expect(readKptfile(out).packageMetadata.labels).toEqual({ on: 'true', n: '1' });
  });

  it('returns the text unchanged when nothing changes', () => {
    const text = 'metadata:\n    name: x\n    labels: {team: net}   # odd but kept\n';
    expect(setPackageMetadata(text, { labels: { team: 'net' } }, 'replace')).toBe(text);
  });

  it('throws KptfileError for a malformed Kptfile', () => {
    expect(() => setPackageMetadata('metadata: [', { labels: {} }, 'replace')).toThrow(KptfileError);
  });
});

describe('setReadinessGates', () => {
  it('keeps wanted gates in place with comments, drops others, appends new ones in order', () => {
    const out = setReadinessGates(commented, [
      { conditionType: 'New' },
      { conditionType: 'Ready' },
      { conditionType: 'New' },
    ]);
    expect(readKptfile(out).readinessGates).toEqual([{ conditionType: 'Ready' }, { conditionType: 'New' }]);
    expect(out).toContain('# the first gate\n  - conditionType: Ready\n  - conditionType: New\n');
  });

  it('removes the list (and an emptied info) when no gates are wanted', () => {
    expect(setReadinessGates(commented, [])).not.toContain('readinessGates');
    const out = setReadinessGates('metadata:\n  name: x\ninfo:\n  readinessGates:\n  - conditionType: A\n', []);
    expect(out).toBe('metadata:\n  name: x\n');
  });

  it('creates info after upstream fields and before pipeline/status', () => {
    const text = 'apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: x\nstatus:\n  conditions: []\n';
    const out = setReadinessGates(text, [{ conditionType: 'A' }]);
    expect(out).toBe(
      'apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: x\ninfo:\n  readinessGates:\n  - conditionType: A\n' +
        'status:\n  conditions: []\n',
    );
  });
});

describe('setConditions', () => {
  it('makes status.conditions exactly the list, updating in place', () => {
    const out = setConditions(commented, [
      { type: 'Extra', status: 'Unknown', message: 'later' },
      { type: 'Rendered', status: 'False', message: 'broken' },
    ]);
    expect(readKptfile(out).conditions).toEqual([
      { type: 'Rendered', status: 'False', message: 'broken' },
      { type: 'Extra', status: 'Unknown', message: 'later' },
    ]);
    expect(out).toContain('# rendered by kpt');
    expect(out).not.toContain('reason: RenderSuccess');
    expect(out).toContain('status: "False"');
  });

  it('removes status when the list is emptied', () => {
    const out = setConditions('metadata:\n  name: x\nstatus:\n  conditions:\n  - type: A\n    status: "True"\n', []);
    expect(out).toBe('metadata:\n  name: x\n');
  });

  it('refuses conditions a Kptfile cannot hold', () => {
    const bad = [{ type: 'A', status: 'Yes' }] as unknown as Parameters<typeof setConditions>[1];
    expect(() => setConditions(commented, bad)).toThrow('status.conditions[0].status must be one of');
    expect(() => setConditions(commented, [{ type: '', status: 'True' }])).toThrow(KptfileError);
  });

  it('writes condition keys in kpt order when creating status', () => {
    const out = setConditions('metadata:\n  name: x\n', [{ type: 'A', status: 'True', reason: 'R', message: 'M' }]);
    expect(out).toBe(
      'metadata:\n  name: x\nstatus:\n  conditions:\n  - type: A\n    status: "True"\n    reason: R\n    message: M\n',
    );
  });
});

describe('setUpstream', () => {
  it('writes upstream and upstreamLock after metadata with kpt normalisation', () => {
    const text = 'apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: x\ninfo:\n  description: d\n';
    const out = setUpstream(text, upstreamFromLock(lock), lock);
    expect(out).toBe(
      'apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: x\n' +
        'upstream:\n  type: git\n  git:\n    repo: http://git.example/blueprints.git\n    directory: net/vpc\n    ref: pkgs/net/vpc/v3\n' +
        'upstreamLock:\n  type: git\n  git:\n    repo: http://git.example/blueprints.git\n    directory: net/vpc\n' +
        '    ref: pkgs/net/vpc/v3\n    commit: abc123\n' +
        'info:\n  description: d\n',
    );
  });

  it('replaces an existing upstream, dropping its updateStrategy but keeping comments', () => {
    const text =
      'metadata:\n  name: x\nupstream: # from the catalog\n  type: git\n  git:\n    repo: old.git # old repo\n' +
      '    ref: v1\n    directory: /\n  updateStrategy: resource-merge\n';
    const out = setUpstream(text, upstreamFromLock(lock), lock);
    expect(out).toContain('upstream: # from the catalog');
    expect(out).toContain('repo: http://git.example/blueprints.git # old repo');
    expect(out).not.toContain('updateStrategy');
    expect(readKptfile(out).upstream).toEqual({
      type: 'git',
      git: { repo: 'http://git.example/blueprints.git', directory: 'net/vpc', ref: 'pkgs/net/vpc/v3' },
    });
    expect(readKptfile(out).upstreamLock?.git.commit).toBe('abc123');
  });
});

describe('setName', () => {
  it('sets metadata.name in place, changing nothing else in a Kptfile with comments everywhere', () => {
    expect(setName(commented, 'subnet')).toBe(commented.replace('name: vpc', 'name: subnet'));
  });

  it('creates metadata with the name when missing', () => {
    expect(setName('apiVersion: kpt.dev/v1\nkind: Kptfile\ninfo: {}\n', 'a/b')).toBe(
      'apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: a/b\ninfo: {}\n',
    );
  });
});

describe('text style', () => {
  it('keeps CRLF line endings', () => {
    const out = setName(commented.replace(/\n/g, '\r\n'), 'other');
    expect(out).toContain('name: other\r\n');
    expect(out.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('keeps indented sequences and 4-space indentation', () => {
    const text = 'metadata:\n    name: x\ninfo:\n    keywords:\n        - a\n';
    expect(setName(text, 'y')).toBe('metadata:\n    name: y\ninfo:\n    keywords:\n        - a\n');
  });

  it('keeps a missing final newline', () => {
    expect(setName('metadata:\n  name: x', 'y')).toBe('metadata:\n  name: y');
  });

  it('does not fold long strings', () => {
    const long = 'word '.repeat(40).trim();
    const out = setName(`metadata:\n  name: x\ninfo:\n  description: ${long}\n`, 'y');
    expect(out).toContain(`description: ${long}\n`);
  });
});
