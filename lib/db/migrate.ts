import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './pool.js';

/** Advisory-lock key shared by every migration runner ("porch-migrate"). */
const MIGRATION_LOCK_KEY = 0x706f7263;
const FILE_PATTERN = /^(\d{4})_[a-z0-9_]+\.sql$/;

export interface Migration {
  name: string;
  sql: string;
}

/** Where the SQL files are: `MIGRATIONS_DIR` (set in bundles) or `migrations/` at the project root. */
export function defaultMigrationsDir(): string {
  return process.env.MIGRATIONS_DIR ?? fileURLToPath(new URL('../../migrations/', import.meta.url));
}

/** Reads the numbered migration files in order; a misnamed file or a number used twice is an error. */
export async function loadMigrations(dir = defaultMigrationsDir()): Promise<Migration[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.sql')).sort();
  const numbers = new Set<string>();
  for (const name of names) {
    const match = FILE_PATTERN.exec(name);
    if (!match) throw new Error(`migration ${name} must be named NNNN_<lowercase_words>.sql`);
    if (numbers.has(match[1])) throw new Error(`migration number ${match[1]} is used twice`);
    numbers.add(match[1]);
  }
  return Promise.all(names.map(async (name) => ({ name, sql: await readFile(join(dir, name), 'utf8') })));
}

/**
 * Applies pending migrations in one transaction under an advisory lock, recording each one. Concurrent runners
 * queue on the lock; the later ones find nothing pending. Returns the names applied.
 */
export async function migrate(db: Database, migrations?: Migration[]): Promise<string[]> {
  const files = migrations ?? (await loadMigrations());
  return db.transaction(async (client) => {
    await client.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(`create table if not exists schema_migrations (
      name text primary key,
      applied_at timestamptz not null default now()
    )`);
    const { rows } = await client.query<{ name: string }>('select name from schema_migrations');
    const applied = new Set(rows.map((r) => r.name));
    const unknown = [...applied].filter((name) => !files.some((f) => f.name === name));
    if (unknown.length > 0) {
      throw new Error(`database has migrations this code does not know: ${unknown.join(', ')}`);
    }
    const pending = files.filter((f) => !applied.has(f.name));
    for (const file of pending) {
      await client.query(file.sql);
      await client.query('insert into schema_migrations (name) values ($1)', [file.name]);
    }
    return pending.map((f) => f.name);
  });
}
