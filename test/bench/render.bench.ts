import { openBenchDatabase } from './bench-database.js';
import { packageRevisionOperations } from '../../lib/api/package-revisions/operations.js';
import { resourcesOperations } from '../../lib/api/resources/operations.js';
import { createAccess } from '../../lib/api/rbac/access.js';
import { createHttpHandler } from '../../lib/http/handler.js';
import { renderFiles } from '../../lib/render/render-files.js';
import { createResolver } from '../../lib/render/resolve-function.js';
import { httpEvent } from '../support/http-events.js';
import { addRepository } from './api-seed.js';
import { benchFiles, FOUR_FUNCTIONS, kptfile } from './render-package.js';
import { check, finish, info, section } from './report.js';

const BASE = '/apis/porch.kpt.dev/v1alpha1/namespaces/bench';
const bench = await openBenchDatabase('porch_render_bench');
const { db } = bench;

const deps = { database: async () => db, log: () => undefined, maxBodyBytes: 8 << 20 };
const pr = createHttpHandler(packageRevisionOperations, createAccess, deps);
const prr = createHttpHandler(resourcesOperations, createAccess, deps);
const call = async (h: typeof pr, method: string, path: string, opts = {}) => {
  const res = await h(httpEvent(method, path, opts));
  if ((res.statusCode ?? 500) >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${res.body}`);
  return JSON.parse(res.body as string);
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Median time of PRR updates of one Draft, each sending changed resources. */
async function timeUpdates(pkg: string, pipeline: string, n: number): Promise<number> {
  await call(pr, 'POST', `${BASE}/packagerevisions`, {
    body: { metadata: { namespace: 'bench' }, spec: { repository: 'r', packageName: pkg, workspaceName: 'ws' } },
  });
  let cur = await call(prr, 'GET', `${BASE}/packagerevisionresources/r.${pkg}.ws`);
  const samples: number[] = [];
  for (let i = 0; i < n + 3; i++) {
    const body = { ...cur, spec: { ...cur.spec, resources: benchFiles(pipeline, (i % 5) + 1) } };
    const t = process.hrtime.bigint();
    cur = await call(prr, 'PUT', `${BASE}/packagerevisionresources/r.${pkg}.ws`, { body });
    if (i >= 3) samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(samples);
}

const BUILTIN_CASES: Record<string, string> = {
  'apply-setters': '      configPath: setters.yaml\n',
  'set-namespace': '      configMap:\n        namespace: bench\n',
  'set-labels': '      configMap:\n        tier: backend\n',
  'set-annotations': '      configMap:\n        owner: bench\n',
  'search-replace': '      configMap:\n        by-path: spec.replicas\n        put-value: "4"\n',
  'set-image': '      configMap:\n        name: nginx\n        newTag: "1.28"\n',
  'ensure-name-substring': '      configMap:\n        prepend: dev-\n',
  'apply-replacements': '      configPath: replacements.yaml\n',
  'upsert-resource': '      configPath: upsert.yaml\n',
};
const EXTRA_FILES = {
  'replacements.yaml':
    'apiVersion: fn.kpt.dev/v1alpha1\nkind: ApplyReplacements\nmetadata:\n  name: r\n  annotations:\n    config.kubernetes.io/local-config: "true"\nreplacements:\n  - source:\n      kind: ConfigMap\n      name: setters\n      fieldPath: data.tag\n    targets:\n      - select:\n          kind: Deployment\n        fieldPaths:\n          - metadata.annotations.tag\n        options:\n          create: true\n',
  'upsert.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: upserted\n  annotations:\n    config.kubernetes.io/local-config: "true"\ndata:\n  a: "1"\n',
};

try {
  await addRepository(db, 'bench', 'r', 'http://unused/r.git');
  section('PRR update of a 100-resource package');
  const plain = await timeUpdates('plain', '', 30);
  const piped = await timeUpdates('piped', FOUR_FUNCTIONS, 30);
  info('update without a pipeline (median)', `${plain.toFixed(2)} ms`);
  info('update with a four-function built-in pipeline (median)', `${piped.toFixed(2)} ms`);
  check('  with pipeline ÷ without', piped / plain, { max: 3, unit: '×' });

  section('render time per resource, per built-in function (100 resources)');
  const resolve = createResolver({ runtimes: [], limits: { timeoutMs: 10_000, maxOutputBytes: 1 << 24 } });
  for (const [fn, config] of Object.entries(BUILTIN_CASES)) {
    const pipeline = `pipeline:\n  mutators:\n    - image: ghcr.io/kptdev/krm-functions-catalog/${fn}:v0\n${config}`;
    const files = { ...benchFiles('', 3), ...EXTRA_FILES, Kptfile: kptfile(pipeline) };
    const baseline = { ...files, Kptfile: kptfile() };
    const samples: number[] = [];
    const empty: number[] = [];
    for (let i = 0; i < 23; i++) {
      let t = process.hrtime.bigint();
      await renderFiles(files, { resolve });
      if (i >= 3) samples.push(Number(process.hrtime.bigint() - t) / 1e3);
      t = process.hrtime.bigint();
      await renderFiles(baseline, { resolve });
      if (i >= 3) empty.push(Number(process.hrtime.bigint() - t) / 1e3);
    }
    const perResource = Math.max(0, median(samples) - median(empty)) / 100;
    info(`${fn}: function time per resource`, `${perResource.toFixed(1)} µs`);
  }
} finally {
  await bench.close();
}
finish();
process.exit();
