/** kubectl follows changes: `get -w` prints rows as they happen and `wait --for=jsonpath` returns cleanly. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalHandlers } from '../../lib/local/handlers.js';
import { startLocalServer, type LocalServer } from '../../lib/local/server.js';
import { updatePackageRevision } from '../../lib/storage/package-revisions.js';
import { publishPackageRevision } from '../../lib/storage/publish.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { hasKubectl, kubectlArgs, writeKubeconfig } from '../support/kubectl.js';
import { addDraft, addRepository, tagLock } from '../storage/fixtures.js';

let tdb: TestDatabase;
let server: LocalServer;
let dir: string;
const children: ChildProcess[] = [];

/** Starts kubectl and collects its output as it comes. */
function kubectl(...args: string[]) {
  const child = spawn('kubectl', kubectlArgs(dir, args));
  children.push(child);
  const out = { stdout: '', stderr: '', code: undefined as number | null | undefined };
  child.stdout.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<void>((resolve) =>
    child.on('exit', (code) => {
      out.code = code;
      resolve();
    }),
  );
  return { out, exited };
}

async function until(what: string, done: () => boolean, describe: () => string, timeoutMs = 20_000) {
  const stop = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > stop) throw new Error(`${what}: ${describe()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!hasKubectl)('kubectl watches the local server', () => {
  beforeAll(async () => {
    tdb = await createTestDatabase();
    dir = await mkdtemp(join(tmpdir(), 'porch-kubectl-watch-'));
    const handlers = createLocalHandlers({
      database: async () => tdb.db,
      log: () => undefined,
      requestSync: async () => {},
    });
    server = await startLocalServer({ port: 0, handlers, user: 'me', maxBodyBytes: 1 << 20, log: () => undefined });
    await writeKubeconfig(dir, { server: server.url, namespace: 'team', users: [{ name: 'me' }] });
    await addRepository(tdb.db, 'team', 'repo');
    await addDraft(tdb.db, { namespace: 'team', repository: 'repo', packagePath: 'before', workspace: 'ws' });
  });
  afterAll(async () => {
    for (const c of children) c.kill();
    await server?.close();
    await tdb?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('kubectl get packagerevisions -w prints new and changed rows as they happen', async () => {
    const { out } = kubectl('get', 'packagerevisions', '-w');
    await until(
      'initial row',
      () => /repo\.before\.ws/.test(out.stdout),
      () => out.stdout + out.stderr,
    );
    expect(out.stdout).toMatch(/^NAME\s+PACKAGE\s+WORKSPACENAME\s+REVISION\s+LATEST\s+LIFECYCLE\s+REPOSITORY/m);
    const d = await addDraft(tdb.db, { namespace: 'team', repository: 'repo', packagePath: 'live', workspace: 'ws' });
    await until(
      'new row',
      () => /^repo\.live\.ws\s+live\s+ws\s+0\s+false\s+Draft\s+repo/m.test(out.stdout),
      () => out.stdout,
    );
    await updatePackageRevision(tdb.db, 'team', d.name, d.resourceVersion, { lifecycle: 'Proposed' }, 'me');
    await until(
      'changed row',
      () => /^repo\.live\.ws\s+live\s+ws\s+0\s+false\s+Proposed\s+repo/m.test(out.stdout),
      () => out.stdout,
    );
    expect(out.stderr).toBe('');
  });

  it("kubectl wait --for=jsonpath='{.spec.lifecycle}'=Published returns without errors", async () => {
    const d = await addDraft(tdb.db, { namespace: 'team', repository: 'repo', packagePath: 'waited', workspace: 'ws' });
    const { out, exited } = kubectl(
      'wait',
      `packagerevision/${d.name}`,
      '--for=jsonpath={.spec.lifecycle}=Published',
      '--timeout=30s',
    );
    await new Promise((r) => setTimeout(r, 1000));
    expect(out.code).toBeUndefined();
    const proposed = await updatePackageRevision(
      tdb.db,
      'team',
      d.name,
      d.resourceVersion,
      { lifecycle: 'Proposed' },
      'me',
    );
    await publishPackageRevision(tdb.db, {
      namespace: 'team',
      name: d.name,
      expectedResourceVersion: proposed.resourceVersion,
      revision: 1,
      selfLock: tagLock('repo', 'waited', 1),
      publishedBy: 'me',
      updatedBy: 'me',
    });
    await exited;
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/condition met/);
    expect(out.stderr).toBe('');
  });
});
