import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLocalHandlers } from '../../lib/local/handlers.js';
import { startLocalServer, type LocalServer } from '../../lib/local/server.js';
import { packageRevisionOperations } from '../../lib/api/package-revisions/operations.js';
import { createAccess } from '../../lib/api/rbac/access.js';
import { createHttpHandler } from '../../lib/http/handler.js';
import { updatePackageRevision, deletePackageRevision } from '../../lib/storage/package-revisions.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { httpEvent } from '../support/http-events.js';
import { addDraft, addPublished, addRepository } from '../storage/fixtures.js';
import { saveSyncState } from '../../lib/storage/repository-sync.js';
import { send } from '../local/http-client.js';
import { WatchClient } from './support/watch-client.js';

let t: TestDatabase;
let server: LocalServer;
const PR = '/apis/porch.kpt.dev/v1alpha1/namespaces/w/packagerevisions';
const watches: WatchClient[] = [];
const watch = (query: string, headers?: Record<string, string>) => {
  const w = new WatchClient(`${server.url}${PR}?watch=true&${query}`, headers);
  watches.push(w);
  return w;
};

beforeAll(async () => {
  vi.stubEnv('WATCH_BOOKMARK_SECONDS', '1');
  t = await createTestDatabase();
  const handlers = createLocalHandlers({
    database: async () => t.db,
    log: () => undefined,
    requestSync: async () => {},
  });
  server = await startLocalServer({ port: 0, handlers, user: 'me', maxBodyBytes: 1 << 20, log: () => undefined });
  await addRepository(t.db, 'w', 'repo');
  await addDraft(t.db, { namespace: 'w', repository: 'repo', packagePath: 'first', workspace: 'ws' });
});
afterAll(async () => {
  vi.unstubAllEnvs();
  for (const w of watches) w.close();
  await server?.close();
  await t?.drop();
});

const draft = (path: string, labels?: Record<string, string>) =>
  addDraft(t.db, { namespace: 'w', repository: 'repo', packagePath: path, workspace: 'ws', meta: { labels } });

describe('watch on the local server', () => {
  it('sends the current state as ADDED, then creates, updates and deletes as they happen', async () => {
    const w = watch('');
    await w.until((e) => e.length >= 1);
    expect(w.status).toBe(200);
    expect(w.brief()).toEqual(['ADDED repo.first.ws']);
    const second = await draft('second');
    await w.until((e) => e.length >= 2);
    const proposed = await updatePackageRevision(
      t.db,
      'w',
      second.name,
      second.resourceVersion,
      { lifecycle: 'Proposed' },
      'me',
    );
    await deletePackageRevision(t.db, 'w', second.name);
    await w.until((e) => e.length >= 4);
    expect(w.brief()).toEqual([
      'ADDED repo.first.ws',
      'ADDED repo.second.ws',
      'MODIFIED repo.second.ws',
      'DELETED repo.second.ws',
    ]);
    expect(w.events[2]!.object.spec.lifecycle).toBe('Proposed');
    expect(w.events[2]!.object.metadata.resourceVersion).toBe(proposed.resourceVersion);
    expect(BigInt(w.events[3]!.object.metadata.resourceVersion)).toBeGreaterThan(BigInt(proposed.resourceVersion));
  });

  it('a list reports its resourceVersion and a watch from it sends only later changes', async () => {
    const list = await send(`${server.url}${PR}`);
    expect(list.json.metadata.resourceVersion).toMatch(/^\d+$/);
    const w = watch(`resourceVersion=${list.json.metadata.resourceVersion}`);
    await draft('third');
    await w.until((e) => e.length >= 1);
    expect(w.brief()).toEqual(['ADDED repo.third.ws']);
  });

  it('a version compacted away is a 410 Expired ERROR event', async () => {
    await t.db.query('update change_log_state set compacted_through = 1000000');
    try {
      const w = watch('resourceVersion=5');
      const events = await w.end();
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
    } finally {
      await t.db.query('update change_log_state set compacted_through = 0');
    }
  });

  it('selectors apply to events: entering is ADDED, leaving is DELETED', async () => {
    const w = watch('labelSelector=team%3Da&allowWatchBookmarks=true');
    await w.until((e) => e.some((x) => x.type === 'BOOKMARK'));
    expect(w.events[0]!.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    const other = await draft('other');
    const entered = await updatePackageRevision(
      t.db,
      'w',
      other.name,
      other.resourceVersion,
      { meta: { labels: { team: 'a' } } },
      'me',
    );
    await updatePackageRevision(
      t.db,
      'w',
      other.name,
      entered.resourceVersion,
      { meta: { labels: { team: 'b' } } },
      'me',
    );
    await w.until((e) => e.filter((x) => x.type !== 'BOOKMARK').length >= 2);
    expect(w.brief().filter((b) => b !== 'BOOKMARK')).toEqual(['ADDED repo.other.ws', 'DELETED repo.other.ws']);
  });

  it('timeoutSeconds ends the watch, with a last BOOKMARK to re-watch from', async () => {
    const w = watch('timeoutSeconds=1&allowWatchBookmarks=true&resourceVersion=0&sendInitialEvents=false');
    const events = await w.end(5000);
    expect(events.at(-1)).toMatchObject({ type: 'BOOKMARK', object: { kind: 'PackageRevision' } });
    expect(events.at(-1)!.object.metadata.resourceVersion).toMatch(/^\d+$/);
  });

  it('kubectl get -w asks for Tables: each event object is a one-row Table', async () => {
    const w = watch('', { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    await w.until((e) => e.length >= 1);
    expect(w.events[0]!.object).toMatchObject({
      kind: 'Table',
      rows: [{ cells: expect.arrayContaining(['repo.first.ws']) }],
    });
  });

  it('packages, repositories and resources are watched too (derived latestRevision, sync status, files)', async () => {
    const root = (path: string) => {
      const w = new WatchClient(`${server.url}${path}?watch=true&sendInitialEvents=false`);
      watches.push(w);
      return w.until((e) => e.length >= 1);
    };
    const packages = root('/apis/porch.kpt.dev/v1alpha1/namespaces/w/packages');
    const repos = root('/apis/config.porch.kpt.dev/v1alpha1/repositories');
    const resources = root('/apis/porch.kpt.dev/v1alpha1/namespaces/w/packagerevisionresources');
    await new Promise((r) => setTimeout(r, 500));
    await addPublished(t.db, 'w', 'repo', 'pkg', 'v1', 1);
    await saveSyncState(t.db, 'w', 'repo', { state: 'Error', message: 'boom' });
    expect((await packages)[0]).toMatchObject({
      type: 'ADDED',
      object: { kind: 'PorchPackage', metadata: { name: 'repo.pkg' } },
    });
    expect((await repos)[0]).toMatchObject({
      type: 'MODIFIED',
      object: { kind: 'Repository', status: { conditions: [{ type: 'Ready', status: 'False', message: 'boom' }] } },
    });
    expect((await resources)[0]).toMatchObject({
      type: 'ADDED',
      object: {
        kind: 'PackageRevisionResources',
        spec: { resources: { Kptfile: expect.stringContaining('Kptfile') } },
      },
    });
    const latest = new WatchClient(`${server.url}/apis/porch.kpt.dev/v1alpha1/namespaces/w/packages?watch=true`);
    watches.push(latest);
    await latest.until((e) => e.some((x) => x.object.metadata.name === 'repo.pkg'));
    expect(latest.events.find((x) => x.object.metadata.name === 'repo.pkg')!.object.status).toEqual({
      latestRevision: 1,
    });
  });

  it('bad watch parameters are a 400 before anything streams', async () => {
    const reply = await send(`${server.url}${PR}?watch=1&resourceVersion=abc`);
    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
  });

  it('behind API Gateway (no streaming) a watch answers the events of a bounded window as one body', async () => {
    const handler = createHttpHandler({ ...packageRevisionOperations }, createAccess, {
      database: async () => t.db,
      log: () => undefined,
    });
    const result = await handler(httpEvent('GET', PR, { query: 'watch=true&timeoutSeconds=1' }));
    expect(result.statusCode).toBe(200);
    const lines = String(result.body)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ type: 'ADDED', object: { kind: 'PackageRevision' } });
  });

  it('a running watch whose position compaction passed gets 410 Expired and ends, instead of missing changes', async () => {
    const list = await send(`${server.url}${PR}`);
    const w = watch(`resourceVersion=${list.json.metadata.resourceVersion}`);
    await draft('before-compaction');
    await w.until((e) => e.length >= 1);
    // Compaction passes the watch's position (as if the entries after it were deleted) before the next change.
    await t.db.query('update change_log_state set compacted_through = 1000000');
    try {
      await draft('after-compaction');
      const events = await w.end();
      expect(events.map((e) => e.type)).toEqual(['ADDED', 'ERROR']);
      expect(events[1]).toMatchObject({ object: { kind: 'Status', code: 410, reason: 'Expired' } });
    } finally {
      await t.db.query('update change_log_state set compacted_through = 0');
    }
  });
});
