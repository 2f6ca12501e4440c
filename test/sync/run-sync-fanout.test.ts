import type { InvokeCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { requestSync, settleBackgroundSyncs } from '../../lib/sync/request-sync.js';
import { runSyncFanout } from '../../lib/sync/run-sync-fanout.js';
import { lambdaInvoker } from '../../lib/sync/sync-invoker.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let t: TestDatabase;
const now = new Date('2026-06-01T12:00:00Z');
const minutes = (m: number) => new Date(now.getTime() + m * 60_000);

async function addRepository(name: string, spec: Record<string, unknown> = {}, sync?: Record<string, unknown>) {
  await t.db.query(
    `insert into repositories (namespace, name, repo_url, branch, directory, spec) values ('ns', $1, 'http://git/x.git', 'main', '', $2)`,
    [name, JSON.stringify({ git: { repo: 'http://git/x.git' }, ...spec })],
  );
  if (sync) {
    await t.db.query(
      `insert into repository_sync (namespace, repository, next_full_sync_time, observed_generation, observed_run_once_at, state)
       values ('ns', $1, $2, $3, $4, 'Ready')`,
      [name, sync.next, sync.observedGeneration ?? 1, sync.observedRunOnceAt ?? null],
    );
  }
}

beforeAll(async () => {
  t = await createTestDatabase();
  await addRepository('never-synced');
  await addRepository('due', {}, { next: minutes(-1) });
  await addRepository('not-due', {}, { next: minutes(30) });
  await addRepository('generation-changed', {}, { next: minutes(30), observedGeneration: 0 });
  // A runOnceAt set through the API bumps the generation; once synced, a future runOnceAt is the stored next time.
  await addRepository(
    'run-once-set',
    { sync: { runOnceAt: minutes(5).toISOString() } },
    { next: minutes(30), observedGeneration: 0 },
  );
  await addRepository(
    'run-once-seen',
    { sync: { runOnceAt: minutes(-5).toISOString() } },
    { next: minutes(30), observedRunOnceAt: minutes(-5) },
  );
});
afterAll(async () => t?.drop());

describe('runSyncFanout', () => {
  it('invokes sync-repository asynchronously for each due repository with bounded concurrency', async () => {
    const sent: InvokeCommand[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const send = async (command: InvokeCommand) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 20));
      sent.push(command);
      inFlight--;
      return { StatusCode: 202 };
    };
    const result = await runSyncFanout(t.db, now, lambdaInvoker('porch-sync-repository', send), { concurrency: 2 });
    expect(result).toEqual({ due: 4, invoked: 4, failed: [] });
    expect(maxInFlight).toBe(2);
    for (const c of sent) {
      expect(c.input.FunctionName).toBe('porch-sync-repository');
      expect(c.input.InvocationType).toBe('Event');
    }
    const payloads = sent
      .map((c) => JSON.parse(Buffer.from(c.input.Payload as Uint8Array).toString()))
      .map((p) => p.name)
      .sort();
    expect(payloads).toEqual(['due', 'generation-changed', 'never-synced', 'run-once-set']);
    expect(JSON.parse(Buffer.from(sent[0]!.input.Payload as Uint8Array).toString())).toHaveProperty('namespace', 'ns');
  });

  it('reports failed invocations and keeps going', async () => {
    const send = async (command: InvokeCommand) => {
      const name = JSON.parse(Buffer.from(command.input.Payload as Uint8Array).toString()).name;
      if (name === 'due') throw new Error('throttled');
      return { StatusCode: 202 };
    };
    const result = await runSyncFanout(t.db, now, lambdaInvoker('f', send));
    expect(result.invoked).toBe(3);
    expect(result.failed).toEqual([{ target: { namespace: 'ns', name: 'due' }, error: 'throttled' }]);
  });

  it('treats a non-202 answer as a failure', async () => {
    const invoke = lambdaInvoker('f', async () => ({ StatusCode: 500, FunctionError: 'Unhandled' }));
    await expect(invoke({ namespace: 'ns', name: 'x' })).rejects.toThrow('answered 500 Unhandled');
  });
});

describe('the local fan-out tick', () => {
  it('logs one line per tick (it logged each tick twice)', async () => {
    const { localSync } = await import('../../lib/local/sync-loop.js');
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const db = await createTestDatabase();
    try {
      await db.db.query(
        `insert into repositories (namespace, name, repo_url, branch, directory, spec)
         values ('ns', 'tick', 'http://127.0.0.1:1/x.git', 'main', '', '{"git": {}}')`,
      );
      await localSync().runFanout(db.db);
    } finally {
      spy.mockRestore();
      await settleBackgroundSyncs();
      await db.drop();
    }
    expect(lines.filter((l) => l.includes('sync fan-out'))).toHaveLength(1);
  });
});

describe('requestSync in Lambda without SYNC_FUNCTION_NAME', () => {
  it('starts no background sync that the frozen container would never finish', async () => {
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'porch-repositories';
    const lines: string[] = [];
    // A warning goes to stderr.
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      await requestSync('ns', 'never-synced');
    } finally {
      spy.mockRestore();
      delete process.env.AWS_LAMBDA_FUNCTION_NAME;
    }
    expect(lines.filter((l) => l.includes('sync not started: SYNC_FUNCTION_NAME is not set'))).toHaveLength(1);
    await settleBackgroundSyncs(); // nothing runs in the background
  });
});
