import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../lib/db/embedded.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

let server: EmbeddedServer | undefined;
let runDir: string | undefined;

/**
 * Gives the run one temporary folder that teardown removes, so `npm test` leaves nothing in the temp directory
 * whatever a test forgets: TMPDIR points into it for the workers (os.tmpdir() reads it), git and PostgreSQL.
 * Uses DATABASE_URL when set; otherwise starts one embedded PostgreSQL for the whole run.
 */
export async function setup(project: TestProject) {
  runDir = await mkdtemp(join(tmpdir(), 'porch-test-run-'));
  process.env.TMPDIR = runDir;
  let url = process.env.DATABASE_URL;
  if (!url) {
    server = await startEmbeddedPostgres(await mkdtemp(join(tmpdir(), 'porch-test-pg-')), false);
    url = server.url;
  }
  project.provide('databaseUrl', url);
}

export async function teardown() {
  await server?.stop();
  if (runDir) await rm(runDir, { recursive: true, force: true });
}
