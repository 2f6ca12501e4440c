import { createServer, type Server } from 'node:net';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ESM_REQUIRE_BANNER, PROJECT_ROOT } from '../../infra/constructs/service-function.js';
import { ALL_FUNCTIONS, synthPorch, type SynthesizedApp } from './synth-app.js';

/**
 * The one test that really bundles: esbuild builds every handler as `cdk synth` would, then each bundle is imported
 * as Lambda would load it. It must sit under the project so that the externals (`@aws-sdk/*`, which the Lambda
 * runtime provides) resolve from node_modules.
 */
const OUTDIR = join(PROJECT_ROOT, 'cdk.out', `test-bundles-${process.pid}`);

let bundled: SynthesizedApp;
let database: Server;
let connections = 0;

function bundleDir(fn: string): string {
  const code = (bundled.stateless.toJSON().Resources[bundled.functionId(fn)] as any).Properties.Code;
  return join(OUTDIR, `asset.${String(code.S3Key).replace(/\.zip$/, '')}`);
}

beforeAll(async () => {
  // A fake database port that counts connection attempts: a handler must not connect while it loads.
  database = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => database.listen(0, '127.0.0.1', resolve));
  const port = (database.address() as { port: number }).port;
  process.env.DATABASE_URL = `postgres://porch@127.0.0.1:${port}/porch`;
  process.env.MIGRATIONS_DIR = '/var/task/migrations';
  process.env.SYNC_FUNCTION_NAME = 'porch-sync-repository';
  process.env.GIT_SECRET_PREFIX = 'porch-serverless/git/';
  // What the Node.js Lambda runtime provides to a response-streaming handler (functions/watch.ts).
  Object.assign(globalThis, {
    awslambda: { streamifyResponse: (h: unknown) => h, HttpResponseStream: { from: (s: unknown) => s } },
  });
  rmSync(OUTDIR, { recursive: true, force: true });
  bundled = synthPorch({}, { bundling: true, outdir: OUTDIR });
}, 240_000);

afterAll(async () => {
  await new Promise((resolve) => database?.close(resolve));
  rmSync(OUTDIR, { recursive: true, force: true });
});

describe('bundled handlers', () => {
  it.each(ALL_FUNCTIONS)(
    '%s: one ESM file with the createRequire banner, a source map, the AWS SDK and pg-native left out',
    (fn) => {
      const dir = bundleDir(fn);
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(code.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
      const map = JSON.parse(readFileSync(join(dir, 'index.mjs.map'), 'utf8')) as { sources: string[] };
      expect(map.sources.some((s) => s.endsWith(`${fn}.ts`))).toBe(true);
      expect(map.sources.filter((s) => /node_modules\/(@aws-sdk|pg-native)\//.test(s))).toEqual([]);
    },
  );

  it.each(ALL_FUNCTIONS)('%s: loads and exports a handler without touching the database', async (fn) => {
    const before = connections;
    const mod = (await import(pathToFileURL(join(bundleDir(fn), 'index.mjs')).href)) as { handler?: unknown };
    expect(typeof mod.handler).toBe('function');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(connections - before, `${fn} connected to the database at import`).toBe(0);
  });

  it('ships the migration SQL files in the migrate bundle, byte for byte', () => {
    const shipped = join(bundleDir('migrate'), 'migrations');
    const source = join(PROJECT_ROOT, 'migrations');
    const files = readdirSync(source)
      .filter((f) => f.endsWith('.sql'))
      .sort();
    expect(files.length).toBeGreaterThan(0);
    expect(
      readdirSync(shipped)
        .filter((f) => f.endsWith('.sql'))
        .sort(),
    ).toEqual(files);
    for (const f of files)
      expect(readFileSync(join(shipped, f), 'utf8'), f).toBe(readFileSync(join(source, f), 'utf8'));
    expect(existsSync(join(bundleDir('approval'), 'migrations'))).toBe(false);
  });

  it('leaves the stateful stack unchanged when function code changes (real bundles vs placeholders)', () => {
    const placeholder = synthPorch();
    const codeOf = (s: SynthesizedApp, fn: string) =>
      (s.stateless.toJSON().Resources[s.functionId(fn)] as any).Properties.Code.S3Key;
    expect(codeOf(bundled, 'approval')).not.toEqual(codeOf(placeholder, 'approval'));
    expect(bundled.stateful.toJSON()).toEqual(placeholder.stateful.toJSON());
  });
});
