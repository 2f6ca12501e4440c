import { mkdtemp } from 'node:fs/promises';
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

/** Uses DATABASE_URL when set; otherwise starts one embedded PostgreSQL for the whole run. */
export async function setup(project: TestProject) {
  let url = process.env.DATABASE_URL;
  if (!url) {
    server = await startEmbeddedPostgres(await mkdtemp(join(tmpdir(), 'porch-test-pg-')), false);
    url = server.url;
  }
  project.provide('databaseUrl', url);
}

export async function teardown() {
  await server?.stop();
}
