import { describe, expect, it } from 'vitest';
import { isRunOncePending, nextSyncTime, readSyncSpec, type SyncSchedule } from '../../lib/sync/next-sync-time.js';
import { changedRefs, refsVersion } from '../../lib/sync/refs-version.js';

const t = (iso: string) => new Date(iso);
const base: SyncSchedule = {
  observedRunOnceAt: null,
  generation: 1,
  observedGeneration: 1,
  lastFullSyncTime: t('2026-01-01T10:00:00Z'),
  now: t('2026-01-01T10:00:30Z'),
  defaultPeriodSeconds: 3600,
};

describe('nextSyncTime', () => {
  it('defaults to last sync + period', () => {
    expect(nextSyncTime(base)).toEqual(t('2026-01-01T11:00:00Z'));
  });
  it('is now when never synced or the generation changed', () => {
    expect(nextSyncTime({ ...base, lastFullSyncTime: null })).toEqual(base.now);
    expect(nextSyncTime({ ...base, generation: 2 })).toEqual(base.now);
  });
  it('follows the cron schedule after the last sync', () => {
    expect(nextSyncTime({ ...base, schedule: '*/10 * * * *' })).toEqual(t('2026-01-01T10:10:00Z'));
    expect(nextSyncTime({ ...base, schedule: '0 3 * * *' })).toEqual(t('2026-01-02T03:00:00Z'));
  });
  it('falls back to the default period on an invalid cron', () => {
    expect(nextSyncTime({ ...base, schedule: 'not a cron' })).toEqual(t('2026-01-01T11:00:00Z'));
  });
  it('honours a pending runOnceAt earlier than the periodic time', () => {
    const at = t('2026-01-01T10:20:00Z');
    expect(nextSyncTime({ ...base, runOnceAt: at })).toEqual(at);
    // already observed: ignored
    expect(nextSyncTime({ ...base, runOnceAt: at, observedRunOnceAt: at })).toEqual(t('2026-01-01T11:00:00Z'));
    // in the past and not observed: now
    expect(nextSyncTime({ ...base, runOnceAt: t('2025-12-31T00:00:00Z') })).toEqual(base.now);
    // later than the periodic time: the periodic time wins
    expect(nextSyncTime({ ...base, runOnceAt: t('2026-01-02T00:00:00Z') })).toEqual(t('2026-01-01T11:00:00Z'));
  });
});

describe('readSyncSpec / isRunOncePending', () => {
  it('reads schedule and runOnceAt, ignoring garbage', () => {
    expect(readSyncSpec({ sync: { schedule: '*/5 * * * *', runOnceAt: '2026-01-01T00:00:00Z' } })).toEqual({
      schedule: '*/5 * * * *',
      runOnceAt: t('2026-01-01T00:00:00Z'),
    });
    expect(readSyncSpec({ sync: { schedule: 5, runOnceAt: 'yesterday' } })).toEqual({
      schedule: undefined,
      runOnceAt: undefined,
    });
    expect(readSyncSpec({})).toEqual({ schedule: undefined, runOnceAt: undefined });
  });
  it('pending when set and different from the observed one', () => {
    expect(isRunOncePending(undefined, null)).toBe(false);
    expect(isRunOncePending(t('2026-01-01T00:00:00Z'), null)).toBe(true);
    expect(isRunOncePending(t('2026-01-01T00:00:00Z'), t('2026-01-01T00:00:00Z'))).toBe(false);
  });
});

describe('refsVersion / changedRefs', () => {
  it('is order independent and changes with any name or target', () => {
    const a = { 'refs/heads/main': '1', 'refs/tags/p/v1': '2' };
    expect(refsVersion(a)).toBe(refsVersion({ 'refs/tags/p/v1': '2', 'refs/heads/main': '1' }));
    expect(refsVersion(a)).not.toBe(refsVersion({ ...a, 'refs/tags/p/v1': '3' }));
    expect(refsVersion(a)).not.toBe(refsVersion({ ...a, 'refs/tags/p/v2': '2' }));
    expect(refsVersion({ ab: 'c' })).not.toBe(refsVersion({ a: 'bc' }));
  });
  it('lists new and moved refs only', () => {
    expect(changedRefs({ a: '1', b: '2', c: '3' }, { a: '1', b: '9', d: '4' })).toEqual(['b', 'd']);
  });
});
