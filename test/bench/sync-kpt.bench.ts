/**
 * First-sync memory benchmark (not a test): `npm run bench:sync-kpt`. On a generated repository shaped like
 * kptdev/kpt with `directory: package-examples` (kpt-shape-generate.ts), served by the project's git server on
 * 127.0.0.1, compares the peak RSS of our first full sync (in a child process, sync-child.ts) with the peak RSS of
 * `git clone --mirror` of the same repository (GNU time: the largest process of git's tree). Prints the ratio with
 * ok/MISS against its target and exits non-zero on a MISS. Uses DATABASE_URL when set, else an embedded PostgreSQL.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../lib/db/embedded.js';
import { migrate } from '../../lib/db/migrate.js';
import { openDatabase } from '../../lib/db/pool.js';
import { startGitServer, type GitServer } from '../support/git-server.js';
import { generateKptShapedRepository } from './kpt-shape-generate.js';
import { check, finish } from './report.js';

const run = promisify(execFile);
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
/** Peak RSS of our first sync ÷ peak RSS of `git clone --mirror` (issue target: under 8). */
const MAX_RATIO = 8;
const gitEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
const git = async (cwd: string, ...args: string[]) =>
  (await run('git', args, { cwd, env: gitEnv, maxBuffer: 64 * 1024 * 1024 })).stdout.trim();
const mib = (n: number) => `${n.toFixed(0)} MiB`;

/** Peak RSS in MiB of `git clone --mirror url` (the largest of git's processes: remote-http, index-pack …). */
async function gitMirrorPeakMiB(url: string, into: string): Promise<number> {
  const { stderr } = await run(
    '/usr/bin/time',
    ['-f', 'peak-kib %M', 'git', 'clone', '--quiet', '--mirror', url, into],
    {
      env: gitEnv,
    },
  );
  const kib = /peak-kib (\d+)/.exec(stderr)?.[1];
  if (!kib) throw new Error(`no peak RSS from /usr/bin/time: ${stderr}`);
  return Number(kib) / 1024;
}

/** One sync in a child process (sync-child.ts); answers its duration, peak RSS and result. */
async function syncInChild(dbUrl: string, name: string) {
  const { stdout } = await run('npx', ['tsx', here('./sync-child.ts'), dbUrl, 'bench', name], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as {
    durationMs: number;
    maxRssMiB: number;
    result: { state?: string; packageCount?: number; skipped?: number; [k: string]: unknown };
  };
}

const work = await mkdtemp(join(tmpdir(), 'porch-bench-kpt-'));
let embedded: EmbeddedServer | undefined;
let server: GitServer | undefined;
let adminUrl = process.env.DATABASE_URL;
const dbName = `porch_bench_kpt_${process.pid}`;
try {
  if (!adminUrl) {
    embedded = await startEmbeddedPostgres(join(tmpdir(), `porch-bench-pg-${process.pid}`), false);
    adminUrl = embedded.url;
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${dbName}`;
  const dbUrl = u.toString();
  const db = await openDatabase({ connectionString: dbUrl, max: 2 });
  await migrate(db);

  const bareDir = join(work, 'git', 'kpt.git');
  await run('mkdir', ['-p', bareDir]);
  await git(bareDir, 'init', '--bare', '--quiet', '--initial-branch=main');
  await git(bareDir, 'config', 'uploadpack.allowFilter', 'true');
  const packageTags = await generateKptShapedRepository(bareDir);
  await git(bareDir, 'gc', '--quiet');
  const objects = await git(bareDir, 'count-objects', '-v');
  console.log(
    `repository shaped like kptdev/kpt: ${packageTags} package tags, ${objects
      .split('\n')
      .filter((l) => /^(in-pack|size-pack)/.test(l))
      .join(', ')} (KiB)`,
  );
  // In this process: the sync and git run in children, and the server runs git-http-backend as async children.
  server = await startGitServer(join(work, 'git'));
  const url = `${server.url}/kpt.git`;
  const spec = { type: 'git', git: { repo: url, branch: 'main', directory: 'package-examples' } };
  await db.query(
    `insert into repositories (namespace, name, repo_url, branch, directory, spec)
     values ('bench', 'kpt', $1, 'main', 'package-examples', $2)`,
    [url, JSON.stringify(spec)],
  );
  await db.close();

  const mirror = await gitMirrorPeakMiB(url, join(work, 'mirror.git'));
  const first = await syncInChild(dbUrl, 'kpt');
  if (first.result.state !== 'Ready') throw new Error(`the first sync failed: ${JSON.stringify(first.result)}`);
  const idle = await syncInChild(dbUrl, 'kpt');
  const ratio = first.maxRssMiB / mirror;
  console.log(
    `first full sync: ${first.durationMs.toFixed(0)} ms, ${first.result.packageCount} revisions, ${first.result.skipped} skipped refs`,
  );
  console.log(`peak RSS: first full sync ${mib(first.maxRssMiB)}, git clone --mirror ${mib(mirror)}`);
  console.log(`  (a no-change sync in the same child peaks at ${mib(idle.maxRssMiB)}: Node, tsx and the modules)`);
  check('first full sync peak RSS ÷ git clone --mirror', ratio, { max: MAX_RATIO, unit: '×' });
} finally {
  await server?.stop();
  if (adminUrl && !embedded) {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName}`);
    await admin.end();
  }
  await embedded?.stop();
  await rm(work, { recursive: true, force: true });
}
finish();
process.exit();
