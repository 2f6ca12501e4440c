/**
 * `npm run migrate`: applies the migrations to the database of DATABASE_URL (or DATABASE_SECRET_ARN). It has no
 * embedded PostgreSQL — `npm start` migrates its own. Failures are one line on stderr, exit code 1.
 */
import { config } from '../config.js';
import { closeDatabase, getDatabase } from './pool.js';
import { migrate } from './migrate.js';

try {
  const cfg = config();
  if (!cfg.databaseUrl && !cfg.databaseSecretArn)
    throw new Error(
      'npm run migrate needs DATABASE_URL (or DATABASE_SECRET_ARN): it has no embedded PostgreSQL (npm start migrates its own)',
    );
  const applied = await migrate(await getDatabase());
  process.stdout.write(applied.length ? `applied ${applied.join(', ')}\n` : 'database is up to date\n');
  await closeDatabase();
} catch (err) {
  process.stderr.write(`migrate failed: ${(err as Error | undefined)?.message ?? String(err)}\n`);
  await closeDatabase().catch(() => undefined);
  process.exitCode = 1;
}
