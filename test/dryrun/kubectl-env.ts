/** kubectl against the local server: a kubeconfig in a temporary directory, and kubectl run without blocking. */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { createLocalHandlers } from '../../lib/local/handlers.js';
import { startLocalServer, type LocalServer } from '../../lib/local/server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const run = promisify(execFile);

// kubectl is installed on the development machine, not on a fresh one: tests skip there.
export const hasKubectl =
  spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore', timeout: 30_000 }).status === 0;

export interface KubectlEnv {
  tdb: TestDatabase;
  dir: string;
  syncRequests: string[];
  /** Runs kubectl asynchronously (the server under test shares this event loop); never throws. */
  kubectl(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }>;
  /** Writes a manifest into the temporary directory and answers its path. */
  manifest(name: string, object: unknown): Promise<string>;
  close(): Promise<void>;
}

export async function startKubectlEnv(): Promise<KubectlEnv> {
  const tdb = await createTestDatabase();
  const dir = await mkdtemp(join(tmpdir(), 'porch-kubectl-dryrun-'));
  const syncRequests: string[] = [];
  const handlers = createLocalHandlers({
    database: async () => tdb.db,
    log: () => undefined,
    requestSync: async (ns, name) => void syncRequests.push(`${ns}/${name}`),
  });
  const server: LocalServer = await startLocalServer({
    port: 0,
    handlers,
    user: 'kube-user',
    maxBodyBytes: 1 << 20,
    log: () => undefined,
  });
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'porch', cluster: { server: server.url } }],
    users: [{ name: 'me', user: {} }],
    contexts: [{ name: 'porch', context: { cluster: 'porch', user: 'me', namespace: 'team' } }],
    'current-context': 'porch',
  };
  await writeFile(join(dir, 'config'), YAML.stringify(config));
  return {
    tdb,
    dir,
    syncRequests,
    async kubectl(...args) {
      const base = ['--kubeconfig', join(dir, 'config'), '--cache-dir', join(dir, 'cache')];
      try {
        const { stdout, stderr } = await run('kubectl', [...base, ...args], {
          env: { ...process.env, KUBECTL_EXTERNAL_DIFF: '' },
        });
        return { stdout, stderr, code: 0 };
      } catch (err) {
        const e = err as { stdout: string; stderr: string; code: number };
        return { stdout: e.stdout, stderr: e.stderr, code: e.code };
      }
    },
    async manifest(name, object) {
      const path = join(dir, name);
      await writeFile(path, YAML.stringify(object));
      return path;
    },
    async close() {
      await server.close();
      await tdb.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
