/** The benchmarks' database: a fresh, migrated database for one run, dropped (with its server, if started) after. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../lib/db/embedded.js';
import { migrate } from '../../lib/db/migrate.js';
import { openDatabase, type Database } from '../../lib/db/pool.js';

export interface BenchDatabase {
  /** Connection string of the benchmark's database (for child processes). */
  url: string;
  db: Database;
  /** Closes the pool, drops the database and stops the embedded PostgreSQL, if one was started. */
  close(): Promise<void>;
}

/**
 * Creates database `<name>_<pid>` on DATABASE_URL's server, else on an embedded PostgreSQL started for this run, and
 * migrates it with the project's migrations.
 */
export async function openBenchDatabase(name: string, max = 4): Promise<BenchDatabase> {
  const pgDir = process.env.DATABASE_URL ? undefined : await mkdtemp(join(tmpdir(), `${name}-pg-`));
  const embedded = pgDir ? await startEmbeddedPostgres(pgDir, false) : undefined;
  const adminUrl = process.env.DATABASE_URL ?? embedded!.url;
  const dbName = `${name}_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  const url = Object.assign(new URL(adminUrl), { pathname: `/${dbName}` }).toString();
  const db = await openDatabase({ connectionString: url, max });
  await migrate(db);
  return {
    url,
    db,
    async close() {
      await db.close();
      await admin.query(`drop database if exists ${dbName} with (force)`);
      await admin.end();
      await embedded?.stop();
      if (pgDir) await rm(pgDir, { recursive: true, force: true });
    },
  };
}
