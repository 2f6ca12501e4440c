/**
 * Publish concurrency benchmark (issue 8): run with `npm run bench:publish` (DATABASE_URL, or an embedded
 * PostgreSQL). 20 approvals of different packages in one repository at once must all answer 200, and their wall
 * time ÷ one approval's (median of 5, same run) must stay ≤ 20: publishes of one repository take turns without
 * failing each other. Prints the ratio with ok/MISS and exits non-zero on a MISS or any failed approval.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBenchDatabase } from './bench-database.js';
import { approvalOperations, packageRevisionOperations } from '../../lib/api/package-revisions/operations.js';
import { createAccess } from '../../lib/api/rbac/access.js';
import { createHttpHandler } from '../../lib/http/handler.js';
import { createFixtureRepo } from '../support/git-fixtures.js';
import { startGitServer } from '../support/git-server.js';
import { httpEvent } from '../support/http-events.js';
import { addRepository } from './api-seed.js';
import { check, finish, info } from './report.js';

const CONCURRENT = 20;
const TARGET = 20;
const NS = 'bench';
const PR = `/apis/porch.kpt.dev/v1alpha1/namespaces/${NS}/packagerevisions`;

const work = await mkdtemp(join(tmpdir(), 'porch-publish-bench-'));
const bench = await openBenchDatabase('porch_publish_bench', 10);
const { db } = bench;
const gitServer = await startGitServer(join(work, 'git'));
await createFixtureRepo(join(work, 'git'), 'repo');
await addRepository(db, NS, 'repo', `${gitServer.url}/repo.git`);

const deps = { database: async () => db, log: () => undefined };
const pr = createHttpHandler(packageRevisionOperations, createAccess, deps);
const approval = createHttpHandler(approvalOperations, createAccess, deps);
const body = (res: { body?: string }) => JSON.parse(res.body as string);

/** A Proposed revision of package `pkg`, created and proposed through the API. */
async function proposed(pkg: string) {
  const spec = { repository: 'repo', packageName: pkg, workspaceName: 'ws' };
  const created = body(await pr(httpEvent('POST', PR, { body: { metadata: { namespace: NS }, spec } })));
  const obj = { ...created, spec: { ...created.spec, lifecycle: 'Proposed' } };
  return body(await pr(httpEvent('PUT', `${PR}/${created.metadata.name}`, { body: obj })));
}
const approve = (obj: { metadata: { name: string }; spec: object }) =>
  approval(
    httpEvent('PUT', `${PR}/${obj.metadata.name}/approval`, {
      body: { ...obj, spec: { ...obj.spec, lifecycle: 'Published' } },
    }),
  );

try {
  let failed = 0;
  const single: number[] = [];
  for (let i = 0; i < 6; i++) {
    const obj = await proposed(`single${i}`);
    const t = performance.now();
    const res = await approve(obj);
    if (i > 0) single.push(performance.now() - t); // the first warms caches and connections
    if (res.statusCode !== 200) failed++;
  }
  const one = [...single].sort((a, b) => a - b)[Math.floor(single.length / 2)]!;
  const drafts = [];
  for (let i = 0; i < CONCURRENT; i++) drafts.push(await proposed(`many${i}`));
  const t = performance.now();
  const results = await Promise.all(drafts.map(approve));
  const wall = performance.now() - t;
  const refused = results.filter((r) => r.statusCode !== 200);
  failed += refused.length;
  const ratio = wall / one;
  info('one approval (median of 5)', `${one.toFixed(0)} ms`);
  info(
    `${CONCURRENT} concurrent approvals`,
    `${CONCURRENT - refused.length}/${CONCURRENT} × 200, wall ${wall.toFixed(0)} ms`,
  );
  for (const r of refused.slice(0, 3)) info('  refused', `${r.statusCode} ${r.body}`);
  check('wall ÷ one approval', ratio, { max: TARGET, unit: '×' });
  check('approvals refused (single and concurrent)', failed, { max: 0 });
} finally {
  await bench.close();
  await gitServer.stop();
  await rm(work, { recursive: true, force: true });
}
finish();
process.exit();
