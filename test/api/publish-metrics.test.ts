import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordSync } from '../../lib/metrics.js';
import { createHarness, newRevision, PR, withLifecycle, type Harness } from './harness.js';

let h: Harness;

/** The EMF lines (CloudWatch Embedded Metric Format) written to stdout while `work` runs. */
async function emfLinesOf(work: () => Promise<unknown>): Promise<Record<string, any>[]> {
  const written: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: any[]) => {
    written.push(String(chunk));
    return write(chunk, ...rest);
  }) as typeof process.stdout.write;
  try {
    await work();
  } finally {
    process.stdout.write = write;
  }
  return written
    .join('')
    .split('\n')
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line));
}

const metricNames = (line: Record<string, any>) =>
  line._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name).sort();

async function proposed(repo: string, pkg: string) {
  const created = await h.call('POST', PR, { body: newRevision(repo, pkg, 'ws1') });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const name = created.body.metadata.name;
  const res = await h.call('PUT', `${PR}/${name}`, { body: withLifecycle(created.body, 'Proposed') });
  expect(res.status).toBe(200);
  return res.body;
}

beforeAll(async () => {
  h = await createHarness();
  await h.addRepository('blueprints');
  await h.addRepository('down', { url: 'http://127.0.0.1:9/down.git' }); // nothing listens on port 9
});
afterAll(async () => h?.close());

describe('metrics of publish and sync (Powertools EMF on stdout)', () => {
  it('counts and times a publish, and a failed one as a failure', async () => {
    const good = await proposed('blueprints', 'published');
    const [ok] = await emfLinesOf(() =>
      h.call('PUT', `${PR}/${good.metadata.name}/approval`, { body: withLifecycle(good, 'Published') }),
    );
    expect(ok!._aws.CloudWatchMetrics[0].Namespace).toBe('PorchServerless');
    expect(metricNames(ok!)).toEqual(['PublishDuration', 'PublishFailures', 'Publishes']);
    expect(ok).toMatchObject({ Publishes: 1, PublishFailures: 0 });
    expect(ok!.PublishDuration).toBeGreaterThan(0);

    const bad = await proposed('down', 'unreachable');
    const lines = await emfLinesOf(async () => {
      const res = await h.call('PUT', `${PR}/${bad.metadata.name}/approval`, { body: withLifecycle(bad, 'Published') });
      expect(res.status).toBe(503);
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ Publishes: 1, PublishFailures: 1 });
  });

  it('records nothing for an approval that does not ask for Published', async () => {
    const rejected = await proposed('blueprints', 'rejected');
    const lines = await emfLinesOf(() =>
      h.call('PUT', `${PR}/${rejected.metadata.name}/approval`, { body: withLifecycle(rejected, 'Draft') }),
    );
    expect(lines).toEqual([]);
  });

  it('counts a sync, its failure state, duration and revisions added and deleted', async () => {
    const [line] = await emfLinesOf(async () => recordSync({ state: 'Ready', durationMs: 42, added: 3, deleted: 1 }));
    expect(line).toMatchObject({ Syncs: 1, SyncFailures: 0, SyncDuration: 42, SyncRevisionsAdded: 3 });
    const [failed] = await emfLinesOf(async () => recordSync({ state: 'Error', durationMs: 7 }));
    expect(failed).toMatchObject({ Syncs: 1, SyncFailures: 1 });
    expect(metricNames(failed!)).toEqual(['SyncDuration', 'SyncFailures', 'Syncs']);
  });
});
