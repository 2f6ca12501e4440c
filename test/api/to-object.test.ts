import { describe, expect, it } from 'vitest';
import { toPackageRevision } from '../../lib/api/package-revisions/to-object.js';
import { toResources } from '../../lib/api/resources/to-object.js';
import { revisionColumns } from '../../lib/api/package-revisions/table.js';
import { toTable } from '../../lib/contract/table.js';
import type { PackageRevisionRow } from '../../lib/storage/types.js';

const lock = (ref: string, commit: string) => ({
  type: 'git' as const,
  git: { repo: 'http://git/r.git', directory: 'net/vpc', ref, commit },
});

function row(over: Partial<PackageRevisionRow> = {}): PackageRevisionRow {
  return {
    namespace: 'ns',
    name: 'r.net.vpc.ws1',
    package: 'r.net.vpc',
    repository: 'r',
    packagePath: 'net/vpc',
    packageName: 'vpc',
    workspace: 'ws1',
    revision: 0,
    lifecycle: 'Draft',
    latest: false,
    uid: 'u-1',
    meta: {},
    spec: {},
    tasks: [{ type: 'init', init: { description: 'd' } }],
    selfLock: lock('drafts/net/vpc/ws1', 'not-pushed'),
    upstreamLock: null,
    conditions: [],
    publishedBy: null,
    publishTimestamp: null,
    resourceVersion: '42',
    created: new Date('2026-01-02T03:04:05.678Z'),
    updated: new Date('2026-01-02T03:04:05.678Z'),
    updatedBy: 'me',
    ...over,
  };
}

describe('PackageRevision object (docs/porch-semantics.md §1.2)', () => {
  it('omits revision 0, shows no latest label and a null publishTimestamp for a draft', () => {
    const o = toPackageRevision(row(), false);
    expect(o.metadata).toEqual({
      name: 'r.net.vpc.ws1',
      namespace: 'ns',
      uid: 'u-1',
      resourceVersion: '42',
      creationTimestamp: '2026-01-02T03:04:05Z',
    });
    expect(o.spec).toEqual({
      packageName: 'net/vpc',
      repository: 'r',
      workspaceName: 'ws1',
      lifecycle: 'Draft',
      tasks: [{ type: 'init', init: { description: 'd' } }],
    });
    expect(o.status).toEqual({
      upstreamLock: {},
      selfLock: lock('drafts/net/vpc/ws1', 'not-pushed'),
      publishTimestamp: null,
    });
  });

  it('computes the latest label from the flag, never from stored labels, and shows publish data', () => {
    const published = row({
      revision: 3,
      lifecycle: 'Published',
      latest: true,
      meta: { labels: { a: 'b', 'kpt.dev/latest-revision': 'false' }, finalizers: ['f'] },
      publishedBy: 'alice',
      publishTimestamp: new Date('2026-02-03T04:05:06Z'),
      conditions: [{ type: 'Ready', status: 'True' }],
      spec: { packageMetadata: { labels: { x: 'y' } }, readinessGates: [{ conditionType: 'Ready' }] },
    });
    const o = toPackageRevision(published, true);
    expect(o.metadata.labels).toEqual({ a: 'b', 'kpt.dev/latest-revision': 'true' });
    expect(o.metadata.finalizers).toEqual(['f']);
    expect(o.spec.revision).toBe(3);
    expect(o.spec.packageMetadata).toEqual({ labels: { x: 'y' } });
    expect(o.spec.readinessGates).toEqual([{ conditionType: 'Ready' }]);
    expect(o.status).toMatchObject({
      publishedBy: 'alice',
      publishTimestamp: '2026-02-03T04:05:06Z',
      deployment: true,
    });
    expect(o.status.conditions).toEqual([{ type: 'Ready', status: 'True' }]);
    const notLatest = toPackageRevision({ ...published, latest: false }, false);
    expect(notLatest.metadata.labels).toEqual({ a: 'b' });
    expect(notLatest.status.deployment).toBeUndefined();
  });

  it('hides publish data of a draft even if the row carries some', () => {
    const o = toPackageRevision(row({ publishedBy: 'x', publishTimestamp: new Date() }), false);
    expect(o.status.publishedBy).toBeUndefined();
    expect(o.status.publishTimestamp).toBeNull();
  });
});

describe('PackageRevisionResources object (docs/porch-semantics.md §1.3)', () => {
  it('shares uid and resourceVersion with the PR and names only the last path segment', () => {
    const r = row({ revision: 2, lifecycle: 'Published' });
    const o = toResources(r, { Kptfile: 'k', 'a/b.yaml': 'x' });
    expect(o.metadata.uid).toBe(toPackageRevision(r, false).metadata.uid);
    expect(o.metadata.resourceVersion).toBe('42');
    expect(o.spec).toEqual({
      packageName: 'vpc',
      workspaceName: 'ws1',
      revision: 2,
      repository: 'r',
      resources: { Kptfile: 'k', 'a/b.yaml': 'x' },
    });
  });
});

describe('Table', () => {
  it('has Porch’s columns and cells', () => {
    const t = toTable(revisionColumns, [
      toPackageRevision(row({ revision: 1, lifecycle: 'Published', latest: true }), false),
    ]);
    expect(t.columnDefinitions.map((c) => c.name)).toEqual([
      'Name',
      'Package',
      'WorkspaceName',
      'Revision',
      'Latest',
      'Lifecycle',
      'Repository',
    ]);
    expect(t.rows[0]!.cells).toEqual(['r.net.vpc.ws1', 'net/vpc', 'ws1', 1, true, 'Published', 'r']);
  });
});
