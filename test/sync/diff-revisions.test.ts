import { describe, expect, it } from 'vitest';
import { diffRevisions, revisionKey, type RevisionIdentity } from '../../lib/sync/diff-revisions.js';

const rev = (packagePath: string, revision: number, workspace: string, extra: Partial<RevisionIdentity> = {}) => ({
  namespace: 'ns',
  repository: 'repo',
  directory: '',
  branch: 'main',
  packagePath,
  revision,
  workspace,
  ...extra,
});

describe('diffRevisions', () => {
  it('splits by identity key into cached-only, both and external-only', () => {
    const cached = [rev('a', 1, 'v1'), rev('a', 2, 'v2'), rev('b', -1, 'main')];
    const external = [rev('a', 2, 'v2'), rev('a', 3, 'v3'), rev('b', -1, 'main')];
    const d = diffRevisions(cached, external);
    expect(d.cachedOnly.map(revisionKey)).toEqual([revisionKey(rev('a', 1, 'v1'))]);
    expect(d.both.map((p) => p.cached.packagePath + p.cached.revision)).toEqual(['a2', 'b-1']);
    expect(d.externalOnly.map(revisionKey)).toEqual([revisionKey(rev('a', 3, 'v3'))]);
  });

  it('treats a different workspace, revision, path, directory or branch as a different revision', () => {
    const base = rev('a', 1, 'v1');
    for (const other of [
      rev('a', 1, 'ws'),
      rev('a', 2, 'v1'),
      rev('a/b', 1, 'v1'),
      rev('a', 1, 'v1', { directory: 'd' }),
      rev('a', 1, 'v1', { branch: 'dev' }),
      rev('a', 1, 'v1', { repository: 'r2' }),
      rev('a', 1, 'v1', { namespace: 'n2' }),
    ]) {
      const d = diffRevisions([base], [other]);
      expect(d.both).toEqual([]);
      expect(d.cachedOnly).toHaveLength(1);
      expect(d.externalOnly).toHaveLength(1);
    }
  });

  it('ignores lifecycle and content differences', () => {
    const d = diffRevisions(
      [{ ...rev('a', 1, 'v1'), lifecycle: 'DeletionProposed' }],
      [{ ...rev('a', 1, 'v1'), lifecycle: 'Published' }],
    );
    expect(d.both).toHaveLength(1);
    expect(d.cachedOnly).toEqual([]);
    expect(d.externalOnly).toEqual([]);
  });

  it('handles empty sides and duplicates', () => {
    expect(diffRevisions([], [])).toEqual({ cachedOnly: [], both: [], externalOnly: [] });
    const d = diffRevisions([], [rev('a', 1, 'v1'), rev('a', 1, 'v1')]);
    expect(d.externalOnly).toHaveLength(1);
    const d2 = diffRevisions([rev('a', 1, 'v1'), rev('a', 1, 'v1')], [rev('a', 1, 'v1')]);
    expect(d2.both).toHaveLength(1);
    expect(d2.cachedOnly).toHaveLength(1);
  });
});
