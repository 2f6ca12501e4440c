import { describe, expect, it } from 'vitest';
import type { DiscoveredRevision, DiscoveryResult } from '../../lib/git/index.js';
import type { RepositoryRow } from '../../lib/storage/types.js';
import type { PublishedKey } from '../../lib/storage/revision-sync.js';
import { computeSyncChanges } from '../../lib/sync/compute-sync-changes.js';
import { planDiscovery, type PreviousSync } from '../../lib/sync/discovered-refs.js';

const repo = { namespace: 'ns', name: 'r', directory: '', branch: 'main' } as RepositoryRow;
const tag = (path: string, n: number, commit = 'c1', ws = `v${n}`): DiscoveredRevision => ({
  packagePath: path,
  workspace: ws,
  revision: n,
  lifecycle: 'Published',
  ref: `${path}/v${n}`,
  fullRef: `refs/tags/${path}/v${n}`,
  commit,
  files: { Kptfile: `k ${commit}` },
  tasks: [],
});
const stored = (path: string, n: number, ws = `v${n}`): PublishedKey => ({
  name: `r.${path}.${ws}`,
  packagePath: path,
  workspace: ws,
  revision: n,
  lifecycle: 'Published',
  resourceVersion: `${n}0`,
});

/** Discovery over a fixed world, recording what was asked (a stand-in for lib/git in this unit test). */
function world(revisions: DiscoveredRevision[]) {
  const asked: string[][] = [];
  const discover = async (
    only: string[],
    withFiles: (k: { packagePath: string; revision: number; workspace: string }) => boolean,
  ): Promise<DiscoveryResult> => {
    asked.push(only);
    return {
      revisions: revisions
        .filter((r) => only.includes(r.fullRef))
        .map((r) => ({ ...r, files: withFiles(r) ? r.files : {} })),
      skipped: [],
    };
  };
  return { asked, discover };
}

describe('planDiscovery', () => {
  it('carries unchanged refs and their skips, lists new and moved ones', () => {
    const previous: PreviousSync = {
      refs: { a: '1', b: '2', c: '3' },
      discovered: { a: [['p', 1, 'v1', 'm']] },
      skipped: [
        { ref: 'c', reason: 'bad' },
        { ref: 'b', reason: 'moved away' },
      ],
    };
    const plan = planDiscovery(previous, { a: '1', b: '9', c: '3', d: '4' });
    expect(plan.changed).toEqual(['b', 'd']);
    expect(plan.carried).toEqual({ a: [['p', 1, 'v1', 'm']], c: [] });
    expect(plan.carriedSkipped).toEqual([{ ref: 'c', reason: 'bad' }]);
  });
});

describe('computeSyncChanges', () => {
  it('first sync: everything is read and inserted', async () => {
    const w = world([tag('p', 1), tag('p', 2)]);
    const refs = { 'refs/tags/p/v1': 'c1', 'refs/tags/p/v2': 'c1' };
    const c = await computeSyncChanges(repo, { refs: {}, discovered: {}, skipped: [] }, refs, [], w.discover);
    expect(w.asked).toEqual([['refs/tags/p/v1', 'refs/tags/p/v2']]);
    expect(c.writes.map((x) => x.revision.workspace)).toEqual(['v1', 'v2']);
    expect(c.deletes).toEqual([]);
    expect(c.discovered).toEqual({
      'refs/tags/p/v1': [['p', 1, 'v1', 'commit:c1']],
      'refs/tags/p/v2': [['p', 2, 'v2', 'commit:c1']],
    });
  });

  it('unchanged refs are not read; a deleted ref deletes its revision; a moved ref refreshes it', async () => {
    const previous: PreviousSync = {
      refs: { 'refs/tags/p/v1': 'c1', 'refs/tags/p/v2': 'c1', 'refs/tags/p/v3': 'c1' },
      discovered: {
        'refs/tags/p/v1': [['p', 1, 'v1', 'commit:c1']],
        'refs/tags/p/v2': [['p', 2, 'v2', 'commit:c1']],
        'refs/tags/p/v3': [['p', 3, 'v3', 'commit:c1']],
      },
      skipped: [],
    };
    const w = world([tag('p', 1), tag('p', 2, 'c2')]);
    const refs = { 'refs/tags/p/v1': 'c1', 'refs/tags/p/v2': 'c2' };
    const c = await computeSyncChanges(
      repo,
      previous,
      refs,
      [stored('p', 1), stored('p', 2), stored('p', 3)],
      w.discover,
    );
    expect(w.asked[0]).toEqual(['refs/tags/p/v2']);
    expect(c.deletes).toEqual([{ name: 'r.p.v3', resourceVersion: '30' }]);
    expect(c.writes).toEqual([
      {
        revision: expect.objectContaining({ revision: 2, commit: 'c2' }),
        keepLifecycle: 'Published',
        expectedResourceVersion: '20', // the refresh applies only to the row version read
      },
    ]);
    expect(c.writes[0]!.revision.files).toEqual({ Kptfile: 'k c2' }); // re-read with files for the refresh
    expect(c.both).toBe(2);
  });

  it('re-reads an unchanged ref whose revision is missing from the database', async () => {
    const previous: PreviousSync = {
      refs: { 'refs/tags/p/v1': 'c1' },
      discovered: { 'refs/tags/p/v1': [['p', 1, 'v1', 'commit:c1']] },
      skipped: [],
    };
    const w = world([tag('p', 1)]);
    const c = await computeSyncChanges(repo, previous, { 'refs/tags/p/v1': 'c1' }, [], w.discover);
    expect(w.asked).toEqual([['refs/tags/p/v1']]);
    expect(c.writes.map((x) => x.revision.revision)).toEqual([1]);
    expect(c.writes[0]!.revision.files).toEqual({ Kptfile: 'k c1' });
  });

  it('a discovered revision whose name is held by another stored revision is skipped and marked pending', async () => {
    const w = world([tag('p', 3, 'c1', 'ws')]);
    const c = await computeSyncChanges(
      repo,
      { refs: {}, discovered: {}, skipped: [] },
      { 'refs/tags/p/v3': 'c1' },
      [stored('p', 2, 'ws')],
      w.discover,
    );
    // the stored (p, 2, ws) is not in git: it is deleted, so the new one can take the name
    expect(c.deletes).toEqual([{ name: 'r.p.ws', resourceVersion: '20' }]);
    expect(c.writes).toHaveLength(1);
    const w2 = world([tag('p', 3, 'c1', 'ws'), tag('p', 2, 'c1', 'ws')]);
    const c2 = await computeSyncChanges(
      repo,
      { refs: {}, discovered: {}, skipped: [] },
      { 'refs/tags/p/v3': 'c1', 'refs/tags/p/v2': 'c1' },
      [stored('p', 2, 'ws')],
      w2.discover,
    );
    expect(c2.deletes).toEqual([]);
    expect(c2.writes).toEqual([]);
    expect(c2.skipped).toEqual([
      { ref: 'refs/tags/p/v3', reason: expect.stringContaining('"r.p.ws" already exists'), pending: true },
    ]);
  });
});
