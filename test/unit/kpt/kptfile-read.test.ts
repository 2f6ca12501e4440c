import { describe, expect, it } from 'vitest';
import { KptfileError } from '../../../lib/kpt/errors.js';
import { deriveKptfileFields, readKptfile } from '../../../lib/kpt/kptfile-read.js';

const full = `# Package for the VPC
apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: vpc # the name
  labels:
    team: net
    tier: 1.0
  annotations:
    config.kubernetes.io/local-config: "true"
upstream:
  type: git
  git:
    repo: https://example.com/blueprints.git
    directory: net/vpc
    ref: net/vpc/v2
  updateStrategy: resource-merge
upstreamLock:
  type: git
  git:
    repo: https://example.com/blueprints.git
    directory: net/vpc
    ref: net/vpc/v2
    commit: 0123456789abcdef0123456789abcdef01234567
info:
  description: a vpc
  readinessGates:
  - conditionType: Ready
  - conditionType: Approved # second gate
status:
  conditions:
  - type: Ready
    status: "True"
    reason: Done
  - type: Approved
    status: Unknown
    message: waiting
`;

describe('readKptfile', () => {
  it('derives every mirrored field', () => {
    expect(readKptfile(full)).toEqual({
      name: 'vpc',
      packageMetadata: {
        labels: { team: 'net', tier: '1.0' },
        annotations: { 'config.kubernetes.io/local-config': 'true' },
      },
      readinessGates: [{ conditionType: 'Ready' }, { conditionType: 'Approved' }],
      conditions: [
        { type: 'Ready', status: 'True', reason: 'Done' },
        { type: 'Approved', status: 'Unknown', message: 'waiting' },
      ],
      upstream: {
        type: 'git',
        git: { repo: 'https://example.com/blueprints.git', directory: 'net/vpc', ref: 'net/vpc/v2' },
        updateStrategy: 'resource-merge',
      },
      upstreamLock: {
        type: 'git',
        git: {
          repo: 'https://example.com/blueprints.git',
          directory: 'net/vpc',
          ref: 'net/vpc/v2',
          commit: '0123456789abcdef0123456789abcdef01234567',
        },
      },
    });
  });

  it('gives empty fields for a minimal Kptfile', () => {
    expect(readKptfile('apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: x\n')).toEqual({
      name: 'x',
      packageMetadata: {},
      readinessGates: [],
      conditions: [],
      upstream: null,
      upstreamLock: null,
    });
  });

  it('treats empty labels, gates and conditions as none', () => {
    const text =
      'metadata:\n  name: x\n  labels: {}\n  annotations:\ninfo:\n  readinessGates: []\nstatus:\n  conditions:\n';
    const fields = readKptfile(text);
    expect(fields.packageMetadata).toEqual({});
    expect(fields.readinessGates).toEqual([]);
    expect(fields.conditions).toEqual([]);
  });

  it('reads CRLF files', () => {
    expect(readKptfile(full.replace(/\n/g, '\r\n'))).toEqual(readKptfile(full));
  });

  it.each([
    ['', 'the file is empty'],
    ['# only a comment\n', 'the file is empty'],
    ['metadata: [unclosed\n', 'at line'],
    ['- a\n- b\n', 'top level must be a mapping'],
    ['kind: ConfigMap\n', 'kind must be "Kptfile"'],
    ['apiVersion: v1\nkind: Kptfile\n', 'apiVersion must be "kpt.dev/v1"'],
    ['a: 1\n---\nb: 2\n', 'expected one YAML document, found 2'],
    ['metadata: 3\n', 'metadata must be a mapping'],
    ['metadata:\n  name: [a]\n', 'metadata.name must be a string'],
    ['metadata:\n  labels:\n    a: {b: c}\n', 'metadata.labels must map strings to strings'],
    ['metadata:\n  labels: [a]\n', 'metadata.labels must be a mapping'],
    ['info:\n  readinessGates: Ready\n', 'info.readinessGates must be a list'],
    ['info:\n  readinessGates:\n  - Ready\n', 'info.readinessGates[0] must be a mapping'],
    ['info:\n  readinessGates:\n  - {}\n', 'info.readinessGates[0].conditionType is required'],
    ['status:\n  conditions:\n  - type: A\n    status: Maybe\n', 'status.conditions[0].status must be one of'],
    ['status:\n  conditions:\n  - status: "True"\n', 'status.conditions[0].type is required'],
    ['upstreamLock:\n  git: nope\n', 'upstreamLock.git must be a mapping'],
    ['a: 1\na: 2\n', 'Map keys must be unique'],
  ])('refuses %j: %s', (text, problem) => {
    let caught: unknown;
    try {
      readKptfile(text);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(KptfileError);
    expect((caught as KptfileError).code).toBe(422);
    expect((caught as KptfileError).message).toContain(problem);
    expect((caught as KptfileError).message).toMatch(/^invalid Kptfile: /);
  });
});

describe('deriveKptfileFields', () => {
  it('derives from the root Kptfile only', () => {
    const fields = deriveKptfileFields({ Kptfile: full, 'sub/Kptfile': 'metadata:\n  name: sub\n' });
    expect(fields.name).toBe('vpc');
    expect(fields.problem).toBeUndefined();
  });

  it('returns empty fields and the problem for a missing or malformed Kptfile', () => {
    expect(deriveKptfileFields({ 'README.md': 'x' })).toMatchObject({
      problem: 'package has no Kptfile',
      conditions: [],
    });
    const bad = deriveKptfileFields({ Kptfile: 'status:\n  conditions: 3\n' });
    expect(bad.problem).toContain('status.conditions must be a list');
    expect(bad.upstreamLock).toBeNull();
  });
});
