import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * The service's CloudWatch metrics, written as Embedded Metric Format lines on stdout by Powertools (CloudWatch turns
 * them into metrics in AWS; `POWERTOOLS_METRICS_DISABLED=true` silences them). Each record flushes at once: a sync
 * or an approval is one unit of work, and nothing is kept across invocations.
 */
const metrics = new Metrics({ namespace: 'PorchServerless', serviceName: 'porch-serverless' });

/** One repository sync: counted, timed, and a failure when it ended in the Error state. */
export function recordSync(outcome: { state: string; durationMs: number; added?: number; deleted?: number }): void {
  metrics.addMetric('Syncs', MetricUnit.Count, 1);
  metrics.addMetric('SyncFailures', MetricUnit.Count, outcome.state === 'Error' ? 1 : 0);
  metrics.addMetric('SyncDuration', MetricUnit.Milliseconds, outcome.durationMs);
  if (outcome.added !== undefined) metrics.addMetric('SyncRevisionsAdded', MetricUnit.Count, outcome.added);
  if (outcome.deleted !== undefined) metrics.addMetric('SyncRevisionsDeleted', MetricUnit.Count, outcome.deleted);
  metrics.publishStoredMetrics();
}

/** One approval asking for Published (a publish to git, or undoing a deletion proposal): counted, timed, failures. */
export function recordPublish(outcome: { ok: boolean; durationMs: number }): void {
  metrics.addMetric('Publishes', MetricUnit.Count, 1);
  metrics.addMetric('PublishFailures', MetricUnit.Count, outcome.ok ? 0 : 1);
  metrics.addMetric('PublishDuration', MetricUnit.Milliseconds, outcome.durationMs);
  metrics.publishStoredMetrics();
}

/** Runs `work`, recording it as a publish when `publishing`; the work's result or error passes through unchanged. */
export async function measurePublish<T>(publishing: boolean, work: () => Promise<T>): Promise<T> {
  if (!publishing) return work();
  const started = performance.now();
  let ok = false;
  try {
    const result = await work();
    ok = true;
    return result;
  } finally {
    recordPublish({ ok, durationMs: Math.round(performance.now() - started) });
  }
}
