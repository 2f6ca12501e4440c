import { describe, expect, it } from 'vitest';
import { SeenChanges, snapshotSaw } from '../../lib/api/watch/seen-changes.js';
import { parseWatchOptions } from '../../lib/api/watch/watch-options.js';
import { lifecycleEvents } from '../../lib/events/lifecycle-events.js';
import type { ChangeEntry, StoredChange } from '../../lib/storage/change-log.js';

describe('snapshot visibility', () => {
  it('sees what committed before xmin, not what was running or began after xmax', () => {
    expect(snapshotSaw('100:105:101,103', '99')).toBe(true);
    expect(snapshotSaw('100:105:101,103', '102')).toBe(true);
    expect(snapshotSaw('100:105:101,103', '101')).toBe(false);
    expect(snapshotSaw('100:105:', '105')).toBe(false);
  });

  it('asks the page whose key range holds the object', () => {
    const seen = new SeenChanges();
    seen.addPage({ namespace: 'a', name: 'm' }, '10:10:');
    seen.addPage(undefined, '20:20:');
    const entry = (namespace: string, name: string, xid: string) => ({ namespace, name, xid }) as ChangeEntry;
    expect(seen.saw(entry('a', 'b', '15'))).toBe(false); // first page's snapshot (xmax 10) did not see xid 15
    expect(seen.saw(entry('a', 'z', '15'))).toBe(true); // second page's did
    expect(seen.saw(entry('b', 'a', '25'))).toBe(false);
  });
});

describe('watch parameters', () => {
  const parse = (query: Record<string, string>) =>
    parseWatchOptions({ watch: 'true', ...query }, {}, 'ns', 'packagerevisions', 1800);
  it('reads versions, initial events, bookmarks and the timeout as Kubernetes does', () => {
    expect(parse({})).toMatchObject({
      resourceVersion: undefined,
      initialEvents: true,
      bookmarks: false,
      timeoutMs: 1_800_000,
    });
    expect(parse({ resourceVersion: '0' })).toMatchObject({ resourceVersion: undefined, initialEvents: true });
    expect(parse({ resourceVersion: '42', timeoutSeconds: '5', allowWatchBookmarks: 'true' })).toMatchObject({
      resourceVersion: '42',
      initialEvents: false,
      bookmarks: true,
      timeoutMs: 5000,
    });
    expect(parse({ timeoutSeconds: '99999' }).timeoutMs).toBe(1_800_000);
    expect(parse({ sendInitialEvents: 'false' }).initialEvents).toBe(false);
  });
  it('refuses a version or timeout that is not a number with 400', () => {
    expect(() => parse({ resourceVersion: 'x1' })).toThrow(expect.objectContaining({ code: 400 }));
    expect(() => parse({ timeoutSeconds: '-1' })).toThrow(expect.objectContaining({ code: 400 }));
  });
});

describe('lifecycle events', () => {
  const entry = (e: Partial<StoredChange>): StoredChange =>
    ({
      resourceVersion: '1',
      kind: 'PackageRevision',
      type: 'MODIFIED',
      namespace: 'n',
      name: 'r.p.w',
      cause: null,
      xid: '1',
      created: new Date(),
      object: {},
      previous: null,
      ...e,
    }) as StoredChange;
  it('one per lifecycle change; none for a change that keeps the lifecycle', () => {
    const events = lifecycleEvents([
      entry({ type: 'ADDED', object: { lifecycle: 'Draft' } }),
      entry({ object: { lifecycle: 'Draft', meta: { labels: { a: 'b' } } }, previous: { lifecycle: 'Draft' } }),
      entry({ object: { lifecycle: 'Proposed' }, previous: { lifecycle: 'Draft' } }),
      entry({ type: 'DELETED', object: { lifecycle: 'Proposed' } }),
    ]);
    expect(events.map((e) => [e.detail.previousLifecycle, e.detail.lifecycle, e.detail.change])).toEqual([
      [null, 'Draft', 'Created'],
      ['Draft', 'Proposed', 'LifecycleChanged'],
      ['Proposed', null, 'Deleted'],
    ]);
  });
  it('a sync outcome each time a sync ends (its count of finished syncs grows), not when it starts', () => {
    const sync = (from: string, to: string, ended = true) =>
      entry({
        kind: 'Repository',
        cause: 'sync',
        object: { sync: { state: to, syncs: ended ? 8 : 7 } },
        previous: { sync: { state: from, syncs: 7 } },
      });
    const events = lifecycleEvents([
      sync('Ready', 'Reconciling', false),
      sync('Reconciling', 'Error'),
      // An unchanged sync never marks Reconciling; it ends all the same, as does a second failure in a row.
      sync('Error', 'Ready'),
      sync('Ready', 'Ready'),
      sync('Error', 'Error'),
      // A requested sync moves only the next sync time.
      sync('Ready', 'Ready', false),
    ]);
    expect(events.map((e) => [e.detailType, e.detail.state])).toEqual([
      ['Repository Sync Finished', 'Error'],
      ['Repository Sync Finished', 'Ready'],
      ['Repository Sync Finished', 'Ready'],
      ['Repository Sync Finished', 'Error'],
    ]);
  });
});
