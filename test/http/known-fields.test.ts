import { describe, expect, it } from 'vitest';
import { checkKnownFields, kindOfPath } from '../../lib/api/discovery/known-fields.js';

const pr = (extra: Record<string, unknown>) => ({
  apiVersion: 'porch.kpt.dev/v1alpha1',
  kind: 'PackageRevision',
  metadata: {
    name: 'x',
    labels: { a: 'b' },
    ownerReferences: [{ apiVersion: 'v1', kind: 'K', name: 'n', uid: 'u' }],
    creationTimestamp: null,
  },
  spec: {
    packageName: 'p',
    repository: 'r',
    workspaceName: 'w',
    tasks: [{ type: 'init', init: { anything: 1 } }],
    readinessGates: [{ conditionType: 'c' }],
  },
  status: { selfLock: { git: {} }, conditions: [] },
  ...extra,
});

describe('checkKnownFields', () => {
  it('accepts every field of the kind (task bodies and locks are free-form)', () => {
    expect(checkKnownFields('PackageRevision', pr({}), undefined)).toEqual([]);
  });

  it('names every unknown field and wrong type (Strict is the default)', () => {
    const body = pr({ extra: 1, spec: { packageName: 5, readinessGates: [{ conditionType: 'c', x: 1 }] } });
    expect(() => checkKnownFields('PackageRevision', body, undefined)).toThrow(
      'strict decoding error: wrong type of field spec.packageName: expected string, got number, unknown field "spec.readinessGates[0].x", unknown field "extra"',
    );
  });

  it('warns with Warn and ignores with Ignore, but never lets a wrong type through', () => {
    expect(checkKnownFields('PackageRevision', pr({ extra: 1 }), 'Warn')).toEqual(['unknown field "extra"']);
    expect(checkKnownFields('PackageRevision', pr({ extra: 1 }), 'Ignore')).toEqual([]);
    expect(() => checkKnownFields('PackageRevision', pr({ metadata: 'x' }), 'Ignore')).toThrow(
      expect.objectContaining({ code: 400 }),
    );
  });

  it('finds the kind from the path', () => {
    expect(kindOfPath('/apis/porch.kpt.dev/v1alpha1/namespaces/{namespace}/packagerevisions/{name}/approval')).toBe(
      'PackageRevision',
    );
    expect(kindOfPath('/apis/config.porch.kpt.dev/v1alpha1/namespaces/{namespace}/repositories')).toBe('Repository');
    expect(kindOfPath('/healthz')).toBeUndefined();
  });
});
