/**
 * Change-log write cost (not a test): `npx tsx test/bench/change-log.bench.ts [packages] [revisions] [rounds]`
 * (default 1000 × 6, 3 rounds). Stores what a first full sync discovers (packages × revisions, through sync's own
 * revision store, 200 per transaction) and then an incremental sync's 20 new revisions, into two databases of the
 * same server in alternating order: one migrated as of 0006 (the change-log triggers as first merged), one with
 * every migration. Prints medians, change-log entries per step, the ratio now ÷ 0006 and the
 * load average; exits non-zero on a MISS (a step slower than 0006, or a change logged twice in one transaction).
 */
import { loadavg } from 'node:os';
import pg from 'pg';
import { migrate, loadMigrations } from '../../lib/db/migrate.js';
import { openDatabase, type Database } from '../../lib/db/pool.js';
import type { DiscoveredRevision } from '../../lib/git/index.js';
import { getRepository, insertRepository } from '../../lib/storage/repositories.js';
import { writeDiscoveredRevisions } from '../../lib/sync/revision-store.js';

const PACKAGES = Number(process.argv[2] ?? 1000);
const REVISIONS = Number(process.argv[3] ?? 6);
const ROUNDS = Number(process.argv[4] ?? 3);
const NEW_REVISIONS = 20;
const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function discovered(pkg: number, revision: number): DiscoveredRevision {
  const path = `pkgs/p${String(pkg).padStart(4, '0')}`;
  return {
    packagePath: path,
    workspace: `v${revision}`,
    revision,
    lifecycle: 'Published',
    ref: `${path}/v${revision}`,
    fullRef: `refs/tags/${path}/v${revision}`,
    commit: 'a'.repeat(40),
    files: {
      Kptfile: `apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: p${pkg}\n`,
      'cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: p${pkg}\ndata:\n  revision: "${revision}"\n`,
    },
    tasks: [],
  };
}

async function freshDatabase(name: string, upTo?: string): Promise<Database> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${name}`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const db = await openDatabase({ connectionString: u.toString(), max: 2 });
  const all = await loadMigrations();
  await migrate(db, upTo ? all.filter((m) => m.name <= upTo) : all);
  const repoUrl = 'http://127.0.0.1:1/bench.git';
  await insertRepository(db, {
    namespace: 'bench',
    name: 'bench',
    repoUrl,
    branch: 'main',
    directory: '',
    spec: { type: 'git', git: { repo: repoUrl, branch: 'main' } },
    updatedBy: 'bench',
  });
  return db;
}

async function counts(db: Database) {
  const { rows } = await db.query<{ entries: number }>(`select count(*)::int as entries from change_log`);
  return rows[0]!;
}

/** Stores the revisions as sync does; answers the time and the change-log entries it wrote. */
async function step(db: Database, revisions: DiscoveredRevision[]) {
  const repo = (await getRepository(db, 'bench', 'bench'))!;
  const before = await counts(db);
  const t = performance.now();
  const refused = await writeDiscoveredRevisions(
    db,
    repo,
    revisions.map((revision) => ({ revision })),
  );
  const ms = performance.now() - t;
  if (refused.length > 0) throw new Error(`refused: ${refused[0]!.error.message}`);
  return { ms, entries: (await counts(db)).entries - before.entries };
}

const first: DiscoveredRevision[] = [];
for (let p = 0; p < PACKAGES; p++) for (let r = 1; r <= REVISIONS; r++) first.push(discovered(p, r));
const incremental = Array.from({ length: NEW_REVISIONS }, (_, i) => discovered(i, REVISIONS + 1));

const variants = [
  { label: '0006 ', upTo: '0006_change_log.sql' },
  { label: 'now  ', upTo: undefined },
];
const results = new Map<string, { full: number[]; inc: number[]; fullEntries: number; incEntries: number }>();
const load: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? variants : [...variants].reverse();
  for (const v of order) {
    const db = await freshDatabase(`porch_bench_chlog_${process.pid}_${v.label.trim()}`, v.upTo);
    load.push(loadavg()[0]!);
    const full = await step(db, first);
    const inc = await step(db, incremental);
    const r = results.get(v.label) ?? { full: [], inc: [], fullEntries: 0, incEntries: 0 };
    r.full.push(full.ms);
    r.inc.push(inc.ms);
    r.fullEntries = full.entries;
    r.incEntries = inc.entries;
    results.set(v.label, r);
    await db.close();
  }
}
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
for (const v of variants)
  await admin.query(`drop database if exists porch_bench_chlog_${process.pid}_${v.label.trim()}`);
await admin.end();

console.log(`${PACKAGES} packages × ${REVISIONS} revisions, then ${NEW_REVISIONS} new; medians of ${ROUNDS} rounds`);
for (const [label, r] of results) {
  console.log(
    `${label} first full store ${median(r.full).toFixed(0)} ms (${r.fullEntries} entries), incremental ${median(r.inc).toFixed(1)} ms (${r.incEntries} entries)`,
  );
}
const old = results.get(variants[0]!.label)!;
const now = results.get(variants[1]!.label)!;
const fullRatio = median(now.full) / median(old.full);
const incRatio = median(now.inc) / median(old.inc);
// Sync stores 200 revisions per transaction: a package split between two has a second visible change there (its
// latest revision moves on, the previous latest revision loses the flag).
const split = first.filter((d, i) => i > 0 && i % 200 === 0 && first[i - 1]!.packagePath === d.packagePath).length;
const wantFull = PACKAGES * REVISIONS + PACKAGES + 2 * split;
const wantInc = NEW_REVISIONS * 2 + NEW_REVISIONS; // new revision ADDED, old latest MODIFIED, package MODIFIED
const checks = [
  [`first full store now ÷ 0006 ${fullRatio.toFixed(2)} (target < 1)`, fullRatio < 1],
  // 20 revisions take tens of milliseconds, mostly round trips: a tenth more is noise on a shared machine.
  [`incremental store now ÷ 0006 ${incRatio.toFixed(2)} (target ≤ 1.1)`, incRatio <= 1.1],
  [
    `first full entries ${now.fullEntries} (target ${wantFull}: one per revision and package, 2 per package split between transactions)`,
    now.fullEntries === wantFull,
  ],
  [`incremental entries ${now.incEntries} (target ${wantInc})`, now.incEntries === wantInc],
] as const;
for (const [text, ok] of checks) console.log(`${ok ? 'ok  ' : 'MISS'} ${text}`);
console.log(`load average (1 min) during the runs: ${Math.min(...load).toFixed(2)}–${Math.max(...load).toFixed(2)}`);
if (checks.some(([, ok]) => !ok)) process.exitCode = 1;
