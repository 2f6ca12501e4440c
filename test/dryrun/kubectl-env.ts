/** kubectl against the local server: a database, a server and a kubeconfig in a temporary directory. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { createLocalHandlers } from '../../lib/local/handlers.js';
import { startLocalServer, type LocalServer } from '../../lib/local/server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { hasKubectl, runKubectl, writeKubeconfig, type KubectlResult } from '../support/kubectl.js';

export { hasKubectl };

export interface KubectlEnv {
  tdb: TestDatabase;
  dir: string;
  syncRequests: string[];
  /** Runs kubectl asynchronously (the server under test shares this event loop); never throws. */
  kubectl(...args: string[]): Promise<KubectlResult>;
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
  await writeKubeconfig(dir, { server: server.url, namespace: 'team', users: [{ name: 'me' }] });
  return {
    tdb,
    dir,
    syncRequests,
    kubectl: (...args) => runKubectl(dir, ...args),
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
