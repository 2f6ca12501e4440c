/**
 * Watch benchmark (issue 13): `npm run bench:watch` (DATABASE_URL, or an embedded PostgreSQL). Measures, against the
 * local server in a child process: the time from a committed change to its watch event at the client (p50/p99, with
 * one watch and with 1,000 open watches; target ≤ 1 s p99), and the server's RSS with 1,000 list+watch clients vs
 * idle. Prints ok/MISS per target and exits non-zero on a MISS.
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { createInterface } from 'node:readline';
import { openBenchDatabase } from './bench-database.js';
import { createPackageRevision } from '../../lib/storage/package-revisions.js';
import { insertRepository } from '../../lib/storage/repositories.js';

const WATCHES = 1000;
const SAMPLES = 100;
const bench = await openBenchDatabase('porch_watch_bench');
const { db, url } = bench;

const child = spawn('npx', ['tsx', 'test/bench/watch-server-child.ts', url], { stdio: ['pipe', 'pipe', 'inherit'] });
const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
const next = async () => JSON.parse((await lines.next()).value as string);
const { port } = await next();
const rss = async (): Promise<number> => {
  child.stdin!.write('rss\n');
  return (await next()).rssMiB;
};
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
const base = `http://127.0.0.1:${port}/apis/porch.kpt.dev/v1alpha1/namespaces/bench/packagerevisions`;

function getJson(path: string): Promise<any> {
  return new Promise((resolve, reject) => {
    request(path, { agent }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve(JSON.parse(body)));
    })
      .on('error', reject)
      .end();
  });
}

/** Opens a watch; `onAdded(name)` is called for every ADDED event. */
function openWatch(from: string, onAdded: (name: string) => void): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}?watch=true&resourceVersion=${from}`, { agent }, (res) => {
      let rest = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        rest += chunk;
        for (let i = rest.indexOf('\n'); i >= 0; i = rest.indexOf('\n')) {
          const event = JSON.parse(rest.slice(0, i));
          rest = rest.slice(i + 1);
          if (event.type === 'ADDED') onAdded(event.object.metadata.name);
        }
      });
      resolve(() => req.destroy());
    });
    req.on('error', reject);
    req.end();
  });
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;
let missed = false;
const line = (what: string, value: string, target = '', ok?: boolean) => {
  if (ok === false) missed = true;
  console.log(`${what.padEnd(60)} ${value.padStart(18)}  ${target}${ok === undefined ? '' : ok ? '  ok' : '  MISS'}`);
};

/** Commits one revision at a time and times until the probe watch sees it. */
async function latency(label: string, round: number) {
  const pending = new Map<string, (t: number) => void>();
  const list = await getJson(base);
  const close = await openWatch(list.metadata.resourceVersion, (name) => pending.get(name)?.(performance.now()));
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES + 5; i++) {
    const ws = `r${round}s${i}`;
    const seen = new Promise<number>((resolve) => pending.set(`bench.app.${ws}`, resolve));
    const row = await createPackageRevision(
      db,
      { namespace: 'bench', repository: 'bench', packagePath: 'app', workspace: ws, updatedBy: 'bench' },
      {},
    );
    const committed = performance.now();
    const at = await seen;
    if (i >= 5) samples.push(at - committed);
    pending.delete(row.name);
  }
  close();
  const p99 = pct(samples, 99);
  line(`commit → watch event, ${label}: p50`, `${pct(samples, 50).toFixed(1)} ms`);
  line(`commit → watch event, ${label}: p99`, `${p99.toFixed(1)} ms`, 'target ≤ 1000 ms', p99 <= 1000);
}

try {
  await insertRepository(db, {
    namespace: 'bench',
    name: 'bench',
    repoUrl: 'http://unused/b.git',
    branch: 'main',
    directory: '',
    spec: {},
    updatedBy: 'bench',
  });
  console.log(
    `watch benchmark: local server (poll every ${process.env.WATCH_POLL_MS ?? 250} ms), ${SAMPLES} changes per latency line`,
  );
  await latency('1 watch', 0);
  const idle = await rss();
  const closers: (() => void)[] = [];
  let delivered = 0;
  for (let i = 0; i < WATCHES; i += 50) {
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        const list = await getJson(base);
        closers.push(await openWatch(list.metadata.resourceVersion, () => delivered++));
      }),
    );
  }
  await latency(`${WATCHES} open watches`, 1);
  const expected = WATCHES * (SAMPLES + 5);
  for (let waited = 0; delivered < expected && waited < 10_000; waited += 100)
    await new Promise((r) => setTimeout(r, 100));
  const loaded = await rss();
  line(`server RSS idle (after 1 watch)`, `${idle} MiB`);
  line(
    `server RSS with ${WATCHES} list+watch clients`,
    `${loaded} MiB`,
    `${(((loaded - idle) / WATCHES) * 1024).toFixed(1)} KiB per watch`,
  );
  line(
    `events delivered to the ${WATCHES} watches`,
    String(delivered),
    `expected ${WATCHES * SAMPLES + WATCHES * 5}`,
    delivered === WATCHES * (SAMPLES + 5),
  );
  for (const close of closers) close();
} finally {
  child.stdin!.write('stop\n');
  await new Promise((r) => child.once('exit', r));
  agent.destroy();
  await bench.close();
}
process.exit(missed ? 1 : 0);
