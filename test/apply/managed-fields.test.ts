import { describe, expect, it } from 'vitest';
import { fromFieldsV1, pathText, toFieldsV1 } from '../../lib/api/apply/fields-v1.js';
import { fieldSetOf } from '../../lib/api/apply/object-fields.js';
import { type ApplyConflictError, applyConfig, recordUpdate } from '../../lib/api/apply/managed-fields.js';

const V = 'config.porch.kpt.dev/v1alpha1';
const at = (manager: string, t = '2026-01-01T00:00:00Z') => ({ manager, apiVersion: V, now: new Date(t) });
const repo = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}) => ({
  apiVersion: V,
  kind: 'Repository',
  metadata: { name: 'r', namespace: 'ns', uid: 'u', resourceVersion: '1', ...metadata },
  spec,
  status: { conditions: [] },
});

describe('field sets', () => {
  it('owns leaves and lists, never server fields, and round-trips through FieldsV1', () => {
    const set = fieldSetOf(
      repo({ git: { repo: 'x', branch: 'main' }, tasks: [{ a: 1 }] }, { labels: { 'a.b/c': 'd' } }),
    );
    expect([...set].map(pathText).sort()).toEqual([
      '.metadata.labels.a.b/c',
      '.spec.git.branch',
      '.spec.git.repo',
      '.spec.tasks',
    ]);
    const tree = toFieldsV1(set);
    expect(tree).toEqual({
      'f:metadata': { 'f:labels': { 'f:a.b/c': {} } },
      'f:spec': { 'f:git': { 'f:repo': {}, 'f:branch': {} }, 'f:tasks': {} },
    });
    expect(fromFieldsV1(tree).equals(set)).toBe(true);
  });

  it('marks a member that also has children with "."', () => {
    const tree = { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } };
    expect([...fromFieldsV1(tree)].map(pathText).sort()).toEqual(['.metadata.labels', '.metadata.labels.app']);
    expect(toFieldsV1(fromFieldsV1(tree))).toEqual(tree);
  });
});

describe('apply', () => {
  it('creates: the manager owns exactly what it applied', () => {
    const { object, managedFields } = applyConfig(undefined, repo({ description: 'a' }), false, at('m1'));
    expect((object as any).spec).toEqual({ description: 'a' });
    expect(managedFields).toEqual([
      {
        manager: 'm1',
        operation: 'Apply',
        apiVersion: V,
        time: '2026-01-01T00:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:description': {} } },
      },
    ]);
  });

  it('conflicts with another manager that owns a field it would change, in Kubernetes words', () => {
    const first = applyConfig(undefined, repo({ description: 'a', deployment: true }), false, at('m1'));
    const live = {
      ...(first.object as any),
      metadata: { ...(first.object as any).metadata, managedFields: first.managedFields },
    };
    let error: ApplyConflictError | undefined;
    try {
      applyConfig(live, repo({ description: 'b', deployment: false }), false, at('m2'));
    } catch (err) {
      error = err as ApplyConflictError;
    }
    expect(error?.code).toBe(409);
    expect(error?.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "m1":\n- .spec.description\n- .spec.deployment',
    );
    expect(error?.details?.causes).toEqual([
      { reason: 'FieldManagerConflict', message: 'conflict with "m1"', field: '.spec.description' },
      { reason: 'FieldManagerConflict', message: 'conflict with "m1"', field: '.spec.deployment' },
    ]);
    // The same value is no conflict: both own the field.
    const shared = applyConfig(live, repo({ description: 'a' }), false, at('m2'));
    expect(shared.managedFields.map((e) => e.manager)).toEqual(['m1', 'm2']);
    // Forced: m2 takes the field; m1 keeps the rest.
    const forced = applyConfig(live, repo({ description: 'b' }), true, at('m2'));
    expect((forced.object as any).spec).toEqual({ description: 'b', deployment: true });
    expect(forced.managedFields.find((e) => e.manager === 'm1')?.fieldsV1).toEqual({
      'f:spec': { 'f:deployment': {} },
    });
  });

  it('removes a field the manager stopped applying unless someone else owns it', () => {
    const first = applyConfig(undefined, repo({ description: 'a', deployment: true }), false, at('m1'));
    const live = {
      ...(first.object as any),
      metadata: { ...(first.object as any).metadata, managedFields: first.managedFields },
    };
    const next = applyConfig(live, repo({ deployment: true }), false, at('m1'));
    expect((next.object as any).spec).toEqual({ deployment: true });
  });

  it('merges finalizers as a set and ownerReferences by uid: each manager keeps and drops only its own', () => {
    const owner = (uid: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: uid, uid });
    const withEntries = (r: { object: unknown; managedFields: unknown[] }) => ({
      ...(r.object as any),
      metadata: { ...(r.object as any).metadata, managedFields: r.managedFields },
    });
    const a = applyConfig(undefined, repo({}, { finalizers: ['a/f'], ownerReferences: [owner('1')] }), false, at('a'));
    const b = applyConfig(
      withEntries(a),
      repo({}, { finalizers: ['b/f'], ownerReferences: [owner('2')] }),
      false,
      at('b'),
    );
    expect((b.object as any).metadata.finalizers).toEqual(['a/f', 'b/f']);
    expect((b.object as any).metadata.ownerReferences.map((o: any) => o.uid)).toEqual(['1', '2']);
    expect(b.managedFields.find((e) => e.manager === 'b')?.fieldsV1).toEqual({
      'f:metadata': { 'f:finalizers': { 'v:"b/f"': {} }, 'f:ownerReferences': { 'k:{"uid":"2"}': {} } },
      'f:spec': {}, // an empty map is a value of its own, as in Kubernetes
    });
    const aDrops = applyConfig(withEntries(b), repo({}, { ownerReferences: [owner('1')] }), false, at('a'));
    expect((aDrops.object as any).metadata.finalizers).toEqual(['b/f']);
    const changed = { ...owner('2'), name: 'renamed' };
    expect(() => applyConfig(withEntries(b), repo({}, { ownerReferences: [changed] }), false, at('a'))).toThrow(
      'Apply failed with 1 conflict: conflict with "b": .metadata.ownerReferences[uid="2"]',
    );
  });

  it('gives the fields of an object that had no managedFields to before-first-apply', () => {
    const legacy = repo({ description: 'old' });
    expect(() => applyConfig(legacy, repo({ description: 'new' }), false, at('m1'))).toThrow(
      'Apply failed with 1 conflict: conflict with "before-first-apply" using config.porch.kpt.dev/v1alpha1: .spec.description',
    );
  });
});

describe('update', () => {
  it('gives the writer what it changed and takes it from the others', () => {
    const created = recordUpdate(
      undefined,
      repo({ description: 'a', deployment: true }),
      undefined,
      at('kubectl-create'),
    )!;
    const live = repo({ description: 'a', deployment: true }, { managedFields: created });
    const updated = recordUpdate(
      live,
      repo({ description: 'b', deployment: true }),
      undefined,
      at('kubectl-edit', '2026-01-02T00:00:00Z'),
    )!;
    expect(updated.map((e) => [e.manager, e.fieldsV1])).toEqual([
      ['kubectl-create', { 'f:spec': { 'f:deployment': {} } }],
      ['kubectl-edit', { 'f:spec': { 'f:description': {} } }],
    ]);
  });

  it('leaves an untracked object untracked, as Kubernetes does before the first apply', () => {
    expect(recordUpdate(repo({ description: 'a' }), repo({ description: 'b' }), undefined, at('x'))).toBeUndefined();
  });
});
