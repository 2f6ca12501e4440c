/**
 * Sync benchmark (not a test): `npx tsx test/bench/sync.bench.ts [packages] [revisions]` (default 1000 × 5).
 * Prints, on a repository generated with git fast-import and served by the project's git server (own process):
 * no-change sync ÷ native `git ls-remote`, incremental sync of 20 new revisions (time, peak RSS), first full sync
 * peak RSS, publish ÷ native `git push` of branch and tag. Uses DATABASE_URL when set, else an embedded PostgreSQL.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort, startEmbeddedPostgres, type EmbeddedServer } from '../../lib/db/embedded.js';
import { migrate } from '../../lib/db/migrate.js';
import { openDatabase } from '../../lib/db/pool.js';
import { publishRevision } from '../../lib/git/index.js';
import { defaultSyncDeps } from '../../lib/sync/default-sync-deps.js';
import { syncRepository } from '../../lib/sync/sync-repository.js';
import { check, finish, info, section } from './report.js';
import { appendRevisions, generateRepository, pkgName } from './sync-generate.js';

const run = promisify(execFile);
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const PACKAGES = Number(process.argv[2] ?? 1000);
const REVISIONS = Number(process.argv[3] ?? 5);
const NEW_REVISIONS = 20;
const gitEnv = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
};
const git = async (cwd: string, ...args: string[]) =>
  (await run('git', args, { cwd, env: gitEnv, maxBuffer: 256 * 1024 * 1024 })).stdout.trim();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

async function startGitServerProcess(root: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn('npx', ['tsx', here('../support/git-server.ts'), root, String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  await new Promise<void>((ok, fail) => {
    child.stdout!.on('data', (c: Buffer) => c.toString().includes('git server') && ok());
    child.on('exit', (code) => fail(new Error(`git server exited ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

/** Runs one sync in a child process; answers its duration and peak RSS. */
async function syncInChild(url: string, name: string) {
  const { stdout } = await run('npx', ['tsx', here('./sync-child.ts'), url, 'bench', name], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as {
    durationMs: number;
    maxRssMiB: number;
    result: Record<string, unknown>;
  };
}

const work = await mkdtemp(join(tmpdir(), 'porch-bench-sync-'));
let embedded: EmbeddedServer | undefined;
let server: { url: string; child: ChildProcess } | undefined;
try {
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    embedded = await startEmbeddedPostgres(join(tmpdir(), `porch-bench-pg-${process.pid}`), false);
    adminUrl = embedded.url;
  }
  const dbName = `porch_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${dbName}`);
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${dbName}`;
  const dbUrl = u.toString();
  const db = await openDatabase({ connectionString: dbUrl, max: 4 });
  await migrate(db);

  const root = join(work, 'git');
  const bareDir = join(root, 'bench.git');
  await run('mkdir', ['-p', bareDir]);
  await git(bareDir, 'init', '--bare', '--quiet', '--initial-branch=main');
  await git(bareDir, 'config', 'http.receivepack', 'true');
  await git(bareDir, 'config', 'uploadpack.allowFilter', 'true');
  const genMs = await time(() => generateRepository(bareDir, PACKAGES, REVISIONS));
  await git(bareDir, 'gc', '--quiet');
  server = await startGitServerProcess(root);
  const repoUrl = `${server.url}/bench.git`;
  const objects = await git(bareDir, 'count-objects', '-v');
  console.log(
    `repository: ${PACKAGES} packages × ${REVISIONS} revisions, ${PACKAGES * REVISIONS} tags, generated in ${fmt(genMs)}`,
  );
  console.log(
    `  ${objects
      .split('\n')
      .filter((l) => /^(in-pack|size-pack)/.test(l))
      .join(', ')}`,
  );

  await db.query(
    `insert into repositories (namespace, name, repo_url, branch, directory, spec) values ('bench', 'bench', $1, 'main', '', $2)`,
    [repoUrl, JSON.stringify({ type: 'git', git: { repo: repoUrl, branch: 'main', directory: '' } })],
  );

  // 1. First full sync, in a child process for its peak RSS.
  const first = await syncInChild(dbUrl, 'bench');
  const count = (await db.query(`select count(*)::int as n from package_revisions where namespace = 'bench'`)).rows[0]
    .n;
  section('first full sync');
  info(`first full sync of ${count} revisions`, fmt(first.durationMs));
  info('  result', JSON.stringify(first.result).slice(0, 120));
  check('  first full sync: peak RSS', first.maxRssMiB, { max: 384, unit: 'MiB' });

  // 2. No-change sync vs native git ls-remote (medians).
  const deps = { ...defaultSyncDeps(), log: () => undefined };
  await syncRepository(db, 'bench', 'bench', deps); // warm-up (module load, connection)
  const noChange: number[] = [];
  const lsRemote: number[] = [];
  for (let i = 0; i < 9; i++) {
    noChange.push(
      await time(async () => {
        const r = await syncRepository(db, 'bench', 'bench', deps);
        if (!r.ran || r.state !== 'Ready' || !r.unchanged)
          throw new Error(`expected an unchanged sync: ${JSON.stringify(r)}`);
      }),
    );
    lsRemote.push(await time(() => git(work, 'ls-remote', repoUrl)));
  }
  section('no-change sync');
  info('no-change sync vs native git ls-remote', `${fmt(median(noChange))} vs ${fmt(median(lsRemote))}`);
  check('  no-change sync ÷ git ls-remote', median(noChange) / median(lsRemote), { max: 1.5 });

  // 3. Incremental sync of 20 new revisions (one new commit on main, 20 new tags), each in a child process; three
  // rounds, the median duration and the highest peak RSS (one sample's time swung 1.2-1.6 s with the machine's load).
  section(`incremental sync of ${NEW_REVISIONS} new revisions (3 rounds)`);
  const rounds: { durationMs: number; maxRssMiB: number }[] = [];
  for (let r = 1; r <= 3; r++) {
    await appendRevisions(bareDir, NEW_REVISIONS, REVISIONS + r);
    const inc = await syncInChild(dbUrl, 'bench');
    rounds.push(inc);
    const phases = JSON.stringify((inc.result as { phases?: unknown }).phases ?? inc.result);
    info(`  round ${r}: ${fmt(inc.durationMs)}, ${inc.maxRssMiB.toFixed(0)} MiB; phases in ms`, phases);
  }
  check('  incremental sync: duration (median)', median(rounds.map((r) => r.durationMs)), { max: 1500, unit: 'ms' });
  check('  incremental sync: peak RSS (highest)', Math.max(...rounds.map((r) => r.maxRssMiB)), {
    max: 256,
    unit: 'MiB',
  });
  const idle = await syncInChild(dbUrl, 'bench');
  info('  baseline: a no-change sync in the same child peaks at', `${idle.maxRssMiB.toFixed(0)} MiB`);

  // 4. Publish through lib/git vs native git push of branch + tag (same kind of change, medians of 3).
  const clone = join(work, 'clone');
  await git(work, 'clone', '--quiet', repoUrl, clone);
  const remote = { url: repoUrl, branch: 'main', directory: '', timeoutMs: 30_000 };
  const publish: number[] = [];
  const push: number[] = [];
  for (let i = 0; i < 3; i++) {
    const p = pkgName(PACKAGES - 1 - i);
    const files = {
      Kptfile: `apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: ${p}\n`,
      'cm.yaml': `n: ${i}\n`,
    };
    publish.push(
      await time(() =>
        publishRevision(remote, { packagePath: `pkgs/${p}`, workspace: `bench${i}`, revision: 50 + i, files }),
      ),
    );
    await git(clone, 'pull', '--quiet', '--ff-only', 'origin', 'main');
    await run('sh', ['-c', `printf 'n: native${i}\\n' > pkgs/${pkgName(PACKAGES - 10 - i)}/cm.yaml`], { cwd: clone });
    await git(clone, 'commit', '--quiet', '-am', `native ${i}`);
    await git(clone, 'tag', `pkgs/${pkgName(PACKAGES - 10 - i)}/v${60 + i}`);
    push.push(
      await time(() =>
        git(clone, 'push', '--quiet', 'origin', 'main', `refs/tags/pkgs/${pkgName(PACKAGES - 10 - i)}/v${60 + i}`),
      ),
    );
  }
  section('publish');
  info('publish vs native git push of branch + tag', `${fmt(median(publish))} vs ${fmt(median(push))}`);
  check('  publish ÷ native git push', median(publish) / median(push), { max: 3 });
  await db.close();
} finally {
  if (server?.child.pid) {
    try {
      process.kill(-server.child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  await embedded?.stop();
  await rm(work, { recursive: true, force: true });
}
finish();
process.exit();
