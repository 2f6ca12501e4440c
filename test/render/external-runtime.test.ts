/** External functions through the executable runtime: placement annotations, creation, deletion and the limits. */
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderFiles } from '../../lib/render/render-files.js';
import { ExecutableRuntime } from '../../lib/render/runtimes/executable-runtime.js';
import { canIsolateNetwork } from '../../lib/render/runtimes/isolation.js';
import { writeFunctions } from './external-functions.js';
import { kptfile, withRuntimes } from './render-helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
let deps: ReturnType<typeof withRuntimes>;
let server: Server;

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  a: "1"\n`;
const run = (fn: string, extra = '') => kptfile('app', `  mutators:\n    - image: example.com/fns/${fn}:v1\n${extra}`);

beforeAll(async () => {
  server = createServer((s) => s.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const fns = await writeFunctions(root, port);
  deps = withRuntimes([new ExecutableRuntime(new Map(Object.entries(fns)))], 3000, 1 << 20);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('external runtime: executables', () => {
  it('a mutating function sees path and index annotations, creates, deletes and moves resources', async () => {
    const files = {
      Kptfile: run('mutate', '      configMap:\n        from: config\n'),
      'a.yaml': `${cm('keep')}---\n${cm('doomed')}---\n${cm('mover')}`,
      'only-doomed.yaml': cm('doomed'),
      'README.md': 'hello\n',
    };
    const out = await renderFiles(files, deps);
    expect(Object.keys(out.files).sort()).toEqual([
      'Kptfile',
      'README.md',
      'a.yaml',
      'configmap_generated.yaml',
      'sub/moved.yaml',
    ]);
    const keep = parse(out.files['a.yaml']!);
    expect(keep.metadata.labels).toEqual({ 'seen-path': 'a.yaml', 'legacy-index': '0' });
    // kpt's annotations never reach the files.
    expect(out.files['a.yaml']).not.toContain('config.kubernetes.io');
    expect(parse(out.files['sub/moved.yaml']!).metadata.labels['legacy-index']).toBe('2');
    expect(parse(out.files['configmap_generated.yaml']!).data).toEqual({ from: 'config' });
    expect(out.results.items[0]).toMatchObject({ image: 'example.com/fns/mutate:v1', exitCode: 0 });
    expect(out.results.items[0]!.results).toEqual([{ message: 'mutated', severity: 'info' }]);
  });

  it("a subpackage's function sees paths relative to it; the parent's sees them below the subpackage", async () => {
    const files = {
      Kptfile: run('mutate'),
      'db/Kptfile': kptfile('db', '  mutators:\n    - image: example.com/fns/mutate:v1\n'),
      'db/cm.yaml': cm('keep'),
    };
    const out = await renderFiles(files, deps);
    // The subpackage's run labelled it `cm.yaml`; the parent's run then saw `db/cm.yaml` and relabelled it.
    expect(parse(out.files['db/cm.yaml']!).metadata.labels['seen-path']).toBe('db_cm.yaml');
    expect(out.files['db/configmap_generated.yaml']).toContain('name: generated');
    expect(out.files['configmap_generated.yaml']).toContain('name: generated');
  });

  it('a failing function fails the render with its results and stderr', async () => {
    const err = await renderFiles({ Kptfile: run('fail'), 'a.yaml': cm('x') }, deps).catch((e) => e);
    expect(err.kind).toBe('pipeline');
    expect(err.message).toContain(
      'func eval "example.com/fns/fail:v1" failed to run: exit code 1: replicas must be set; boom',
    );
    expect(err.results.items[0]).toMatchObject({ exitCode: 1, stderr: 'boom\n' });
  });

  it('a function that overruns its time limit is killed and reported as a timeout', async () => {
    const started = Date.now();
    const err = await renderFiles({ Kptfile: run('sleep') }, deps).catch((e) => e);
    expect(err.kind).toBe('timeout');
    expect(err.message).toContain('did not finish within 3000 ms');
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('a function that floods its output is stopped at the limit', async () => {
    const err = await renderFiles({ Kptfile: run('flood') }, deps).catch((e) => e);
    expect(err.kind).toBe('pipeline');
    expect(err.message).toContain('wrote more than 1048576 bytes to stdout');
  });

  it('a function may not write outside its package', async () => {
    const err = await renderFiles({ Kptfile: run('escape'), 'a.yaml': cm('x') }, deps).catch((e) => e);
    expect(err.message).toContain(
      'function must not modify resources outside of package: resource has path ../outside.yaml',
    );
  });

  it.runIf(canIsolateNetwork())('a function has no network', async () => {
    const out = await renderFiles({ Kptfile: run('network'), 'a.yaml': cm('x') }, deps);
    expect(out.files['a.yaml']).toBe(cm('x'));
  });
});
