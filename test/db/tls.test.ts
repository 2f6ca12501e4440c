import { execFileSync } from 'node:child_process';
import { chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../lib/config.js';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../lib/db/embedded.js';
import { openDatabase, poolConfig } from '../../lib/db/pool.js';
import { createSelfSignedCertificate } from '../../lib/local/self-signed.js';

// DATABASE_SSL=verify must check who answers: a real PostgreSQL with TLS on and a certificate of its own is trusted
// only through DATABASE_SSL_CA_FILE, never through the bundled RDS authorities; `require` encrypts without checking.
let server: EmbeddedServer;
let dir: string;
let caFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'porch-tls-pg-'));
  server = await startEmbeddedPostgres(join(dir, 'data'), false);
  const { key, cert } = createSelfSignedCertificate('127.0.0.1');
  caFile = join(dir, 'ca.pem');
  await writeFile(caFile, cert);
  const keyFile = join(dir, 'data', 'server.key');
  await writeFile(join(dir, 'data', 'server.crt'), cert);
  await writeFile(keyFile, key, { mode: 0o600 });
  if (process.getuid?.() === 0) {
    // As root the server runs as the OS user `postgres` (lib/db/embedded.ts), which must own its key.
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    await chown(keyFile, uid, gid);
    await chown(join(dir, 'data', 'server.crt'), uid, gid);
  }
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`alter system set ssl = on`);
  await admin.query(`select pg_reload_conf()`);
  await admin.end();
});

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

const connect = async (env: Record<string, string>) => {
  const db = await openDatabase(await poolConfig(parseConfig({ DATABASE_URL: server.url, ...env })));
  try {
    const { rows } = await db.query<{ ssl: boolean }>(`select ssl from pg_stat_ssl where pid = pg_backend_pid()`);
    return rows[0]!.ssl;
  } finally {
    await db.close();
  }
};

describe('database TLS', () => {
  it('verify connects when the server certificate chains to DATABASE_SSL_CA_FILE', async () => {
    expect(await connect({ DATABASE_SSL: 'verify', DATABASE_SSL_CA_FILE: caFile })).toBe(true);
  });

  it('verify refuses a server the bundled RDS authorities did not certify', async () => {
    await expect(connect({ DATABASE_SSL: 'verify' })).rejects.toThrow(/self[- ]signed|certificate/i);
  });

  it('require encrypts without verifying; off does not encrypt', async () => {
    expect(await connect({ DATABASE_SSL: 'require' })).toBe(true);
    expect(await connect({ DATABASE_SSL: 'off' })).toBe(false);
  });
});
