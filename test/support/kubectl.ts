/** kubectl against a local server under test: the skip check, the kubeconfig, and kubectl run without blocking. */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import YAML from 'yaml';
import type { Database } from '../../lib/db/pool.js';
import { createLocalHandlers } from '../../lib/local/handlers.js';
import { createSelfSignedCertificate } from '../../lib/local/self-signed.js';
import { startLocalServer, type LocalServer, type LocalServerOptions } from '../../lib/local/server.js';

const run = promisify(execFile);

// kubectl is installed on the development machine, not on a fresh one: tests skip there.
export const hasKubectl =
  spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore', timeout: 30_000 }).status === 0;

export interface KubeconfigOptions {
  server: string;
  /** Path of the CA certificate that signed the server's (HTTPS servers only). */
  certificateAuthority?: string;
  namespace: string;
  /** The users; each has a context of its own name unless there is only one (then the context is `porch`). */
  users: { name: string; token?: string }[];
  /** The current context; the first one unless given. */
  current?: string;
}

/** Writes `<dir>/config`: one cluster `porch` (the server under test) and a context per user. */
export async function writeKubeconfig(dir: string, options: KubeconfigOptions): Promise<void> {
  const { server, certificateAuthority, namespace, users } = options;
  const contextName = (user: string) => (users.length === 1 ? 'porch' : user);
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'porch',
        cluster: { server, ...(certificateAuthority ? { 'certificate-authority': certificateAuthority } : {}) },
      },
    ],
    users: users.map(({ name, token }) => ({ name, user: token ? { token } : {} })),
    contexts: users.map(({ name }) => ({
      name: contextName(name),
      context: { cluster: 'porch', user: name, namespace },
    })),
    'current-context': options.current ?? contextName(users[0].name),
  };
  await writeFile(join(dir, 'config'), YAML.stringify(config));
}

/** kubectl's arguments for the kubeconfig (and a private cache) in `dir`, then `args`. */
export function kubectlArgs(dir: string, args: string[]): string[] {
  return ['--kubeconfig', join(dir, 'config'), '--cache-dir', join(dir, 'cache'), ...args];
}

export interface KubectlResult {
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * Runs kubectl with the kubeconfig in `dir` asynchronously (the server under test shares this event loop); never
 * throws. `kubectl diff` uses its built-in diff program.
 */
export async function runKubectl(dir: string, ...args: string[]): Promise<KubectlResult> {
  try {
    const { stdout, stderr } = await run('kubectl', kubectlArgs(dir, args), {
      env: { ...process.env, KUBECTL_EXTERNAL_DIFF: '' },
    });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as KubectlResult;
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

/**
 * The local server over HTTPS on a test database (no sync), and a new folder holding its CA as `ca.pem`, for
 * kubectl, which sends tokens only over TLS.
 */
export async function startKubectlServer(
  db: Database,
  folderPrefix: string,
  options: Pick<LocalServerOptions, 'user' | 'apiToken' | 'tokens'>,
): Promise<{ server: LocalServer; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), folderPrefix));
  const tls = createSelfSignedCertificate();
  await writeFile(join(dir, 'ca.pem'), tls.cert);
  const handlers = createLocalHandlers({
    database: async () => db,
    log: () => undefined,
    requestSync: async () => undefined,
  });
  const server = await startLocalServer({
    port: 0,
    handlers,
    maxBodyBytes: 1 << 20,
    log: () => undefined,
    tls,
    ...options,
  });
  return { server, dir };
}
