import { CronExpressionParser } from 'cron-parser';

export interface SyncSchedule {
  /** `spec.sync.schedule`: cron expression for periodic full syncs. */
  schedule?: string;
  /** `spec.sync.runOnceAt`: a one-shot sync request. */
  runOnceAt?: Date | null;
  observedRunOnceAt: Date | null;
  generation: number;
  observedGeneration: number;
  /** When the last successful sync finished; null when the repository was never synced. */
  lastFullSyncTime: Date | null;
  now: Date;
  defaultPeriodSeconds: number;
}

/** Reads `spec.sync` of a stored Repository spec; anything malformed counts as absent. */
export function readSyncSpec(spec: Record<string, unknown>): { schedule?: string; runOnceAt?: Date } {
  const sync = (spec.sync ?? {}) as { schedule?: unknown; runOnceAt?: unknown };
  const schedule = typeof sync.schedule === 'string' && sync.schedule.trim() !== '' ? sync.schedule : undefined;
  const at = typeof sync.runOnceAt === 'string' ? new Date(sync.runOnceAt) : undefined;
  return { schedule, runOnceAt: at && !Number.isNaN(at.getTime()) ? at : undefined };
}

/** True when runOnceAt asks for a sync that has not yet been done. */
export function isRunOncePending(runOnceAt: Date | null | undefined, observed: Date | null): boolean {
  return !!runOnceAt && (!observed || runOnceAt.getTime() !== observed.getTime());
}

/** Next cron occurrence strictly after `after`; undefined when the expression does not parse. */
export function nextCronOccurrence(expression: string, after: Date): Date | undefined {
  try {
    return CronExpressionParser.parse(expression, { currentDate: after, tz: 'UTC' }).next().toDate();
  } catch {
    return undefined;
  }
}

/**
 * When the repository is next due (docs/porch-semantics.md §8.1): at once when never synced or its generation changed;
 * else the earliest of a pending runOnceAt and the periodic time (next cron occurrence after the last sync, or the
 * last sync plus the default period when there is no valid schedule).
 */
export function nextSyncTime(s: SyncSchedule): Date {
  if (s.lastFullSyncTime === null || s.generation !== s.observedGeneration) return s.now;
  const last = s.lastFullSyncTime;
  const periodic =
    (s.schedule ? nextCronOccurrence(s.schedule, last) : undefined) ??
    new Date(last.getTime() + s.defaultPeriodSeconds * 1000);
  if (isRunOncePending(s.runOnceAt, s.observedRunOnceAt) && s.runOnceAt! < periodic) {
    return s.runOnceAt! > s.now ? s.runOnceAt! : s.now;
  }
  return periodic;
}
