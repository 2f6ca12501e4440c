/** Render through the API (docs/porch-semantics.md §4.3, §6, §6.1) against real PostgreSQL and a real git server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createHarness, newRevision, PR, PRR, withLifecycle, type Harness } from '../api/harness.js';

// No container engine even where one runs: the test of an image nothing can run must not pull it.
process.env.KRM_CONTAINER_RUNTIME = 'off';

let h: Harness;
const RENDERED = { type: 'Rendered', status: 'True', reason: 'RenderSuccess' };

const create = async (repo: string, pkg: string, ws: string, spec = {}, metadata = {}) => {
  const res = await h.call('POST', PR, { body: newRevision(repo, pkg, ws, { spec, metadata }) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};
const getPR = async (name: string) => (await h.call('GET', `${PR}/${name}`)).body;
const getPRR = async (name: string) => (await h.call('GET', `${PRR}/${name}`)).body;
const putFiles = async (name: string, change: (files: Record<string, string>) => void) => {
  const cur = await getPRR(name);
  change(cur.spec.resources);
  return h.call('PUT', `${PRR}/${name}`, { body: cur });
};

const pipeline = (body: string) => (kptfile: string) => `${kptfile.trimEnd()}\npipeline:\n${body}`;
const NAMESPACE_AND_LABELS = `  mutators:
    - image: gcr.io/kpt-fn/set-namespace:v0.4.1
      configMap:
        namespace: team-a
    - image: ghcr.io/kptdev/krm-functions-catalog/set-labels:v0.2.0
      configMap:
        team: a
`;
const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web # keep me
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx
`;

beforeAll(async () => {
  h = await createHarness();
  await h.addRepository('blueprints');
  await h.addRepository('deployments', { deployment: true });
});
afterAll(async () => h?.close());

describe('render on create', () => {
  it('init renders: the Kptfile carries the Rendered condition, shown in status.conditions', async () => {
    const pr = await create('blueprints', 'fresh', 'ws1');
    expect(pr.status.conditions).toEqual([RENDERED]);
    const kptfile = parse((await getPRR('blueprints.fresh.ws1')).spec.resources.Kptfile);
    expect(kptfile.status.conditions).toEqual([RENDERED]);
  });

  it('clone from git renders the upstream pipeline with the deployment package context', async () => {
    const src = await h.addRepository('src');
    await src.writePackage('base', { 'deploy.yaml': deployment });
    await src.write({
      'base/Kptfile': `apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: base
  annotations:
    config.kubernetes.io/local-config: "true"
pipeline:
  mutators:
    - image: gcr.io/kpt-fn/set-namespace:v0.4.1
      configPath: package-context.yaml
`,
      'base/package-context.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: kptfile.kpt.dev
  annotations:
    config.kubernetes.io/local-config: "true"
data:
  name: example
`,
    });
    await src.commit('base');
    await src.tag('base/v1');
    await src.push();
    const clone = {
      upstreamRef: { type: 'git', git: { repo: `${h.server.url}/src.git`, ref: 'v1', directory: 'base' } },
    };
    const pr = await create('deployments', 'site-7', 'ws1', { tasks: [{ type: 'clone', clone }] });
    expect(pr.status.conditions).toEqual([RENDERED]);
    const files = (await getPRR('deployments.site-7.ws1')).spec.resources;
    expect(parse(files['deploy.yaml']).metadata.namespace).toBe('site-7');
    expect(files['deploy.yaml']).toContain('name: web # keep me');
  });
});

describe('render on update', () => {
  it('a PRR update renders and answers with renderStatus', async () => {
    await create('blueprints', 'app', 'ws1');
    const res = await putFiles('blueprints.app.ws1', (f) => {
      f.Kptfile = pipeline(NAMESPACE_AND_LABELS)(f.Kptfile!);
      f['deploy.yaml'] = deployment;
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const deploy = parse(res.body.spec.resources['deploy.yaml']);
    expect(deploy.metadata).toEqual({ name: 'web', namespace: 'team-a', labels: { team: 'a' } });
    const { result, error } = res.body.status.renderStatus;
    expect(error).toBe('');
    expect(result).toMatchObject({ apiVersion: 'kpt.dev/v1', kind: 'FunctionResultList', exitCode: 0 });
    expect(result.items.map((i: { image: string; exitCode: number }) => [i.image, i.exitCode])).toEqual([
      ['gcr.io/kpt-fn/set-namespace:v0.4.1', 0],
      ['ghcr.io/kptdev/krm-functions-catalog/set-labels:v0.2.0', 0],
    ]);
    expect((await getPRR('blueprints.app.ws1')).spec.resources['deploy.yaml']).toBe(
      res.body.spec.resources['deploy.yaml'],
    );
    expect((await getPR('blueprints.app.ws1')).status.conditions).toEqual([RENDERED]);
  });

  it('a PR update of a Draft renders: a failing pipeline refuses the metadata change', async () => {
    const push = { 'porch.kpt.dev/push-on-render-failure': 'true' };
    await create('blueprints', 'meta', 'ws1', {}, { annotations: push });
    const stored = await putFiles('blueprints.meta.ws1', (f) => {
      f.Kptfile = pipeline('  mutators:\n    - image: gcr.io/kpt-fn/set-labels:v0.2\n      configPath: gone.yaml\n')(
        f.Kptfile!,
      );
    });
    expect(stored.status).toBe(422);
    const pr = await getPR('blueprints.meta.ws1');
    const res = await h.call('PUT', `${PR}/blueprints.meta.ws1`, {
      body: {
        ...pr,
        metadata: { ...pr.metadata, annotations: {} },
        spec: { ...pr.spec, packageMetadata: { labels: { env: 'prod' } } },
      },
    });
    expect(res.status).toBe(422);
    expect(res.body.message).toContain('Package NOT pushed to remote');
    expect(res.body.message).toContain('missing function config "gone.yaml"');
    const after = await getPR('blueprints.meta.ws1');
    expect(after.metadata.resourceVersion).toBe(pr.metadata.resourceVersion);
    expect(after.metadata.annotations).toEqual(push);
    expect(after.spec.packageMetadata?.labels).toBeUndefined();
  });

  it('a failing validator refuses the update and nothing changes', async () => {
    await create('blueprints', 'strict', 'ws1');
    const before = await getPRR('blueprints.strict.ws1');
    const res = await putFiles('blueprints.strict.ws1', (f) => {
      // set-namespace without a config is an error: as a validator it fails the pipeline.
      f.Kptfile = pipeline('  validators:\n    - image: gcr.io/kpt-fn/set-namespace:v0.4.1\n')(f.Kptfile!);
      f['deploy.yaml'] = deployment;
    });
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(
      /^error rendering package in kpt function pipeline\. Package NOT pushed to remote\. Fix locally \(until 'kpt fn render' succeeds\) and retry\. Details: .*func eval "gcr.io\/kpt-fn\/set-namespace:v0.4.1" failed to run: exit code 1: FunctionConfig is missing/,
    );
    const after = await getPRR('blueprints.strict.ws1');
    expect(after.spec.resources).toEqual(before.spec.resources);
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it('a function no runtime can run is 503 and changes nothing', async () => {
    await create('blueprints', 'external', 'ws1');
    const before = await getPRR('blueprints.external.ws1');
    const res = await putFiles('blueprints.external.ws1', (f) => {
      f.Kptfile = pipeline('  validators:\n    - image: ghcr.io/yannh/kubeconform:v0.6\n')(f.Kptfile!);
    });
    expect(res.status).toBe(503);
    expect(res.body.message).toContain('"ghcr.io/yannh/kubeconform:v0.6" is not built in');
    expect((await getPRR('blueprints.external.ws1')).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it('push-on-render-failure stores the unrendered files and still fails; edit renders its copy', async () => {
    await create('blueprints', 'pushy', 'ws1', {}, { annotations: { 'porch.kpt.dev/push-on-render-failure': 'true' } });
    const res = await putFiles('blueprints.pushy.ws1', (f) => {
      f.Kptfile = pipeline('  mutators:\n    - image: gcr.io/kpt-fn/set-namespace:v0.4.1\n')(f.Kptfile!);
      f['deploy.yaml'] = deployment;
    });
    expect(res.status).toBe(422);
    expect(res.body.message).toContain(
      'error rendering package in kpt function pipeline. Package pushed to remote despite render failure. Details: ',
    );
    const stored = (await getPRR('blueprints.pushy.ws1')).spec.resources;
    expect(stored['deploy.yaml']).toBe(deployment);
    expect(stored.Kptfile).toContain('set-namespace');
    // Proposing is a Draft update too: it renders, fails, and (with the annotation) is stored all the same.
    const proposed = await h.call('PUT', `${PR}/blueprints.pushy.ws1`, {
      body: withLifecycle(await getPR('blueprints.pushy.ws1'), 'Proposed'),
    });
    expect(proposed.status).toBe(422);
    const approved = await h.call('PUT', `${PR}/blueprints.pushy.ws1/approval`, {
      body: withLifecycle(await getPR('blueprints.pushy.ws1'), 'Published'),
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const edit = await h.call('POST', PR, {
      body: newRevision('blueprints', 'pushy', 'ws2', {
        spec: { tasks: [{ type: 'edit', edit: { sourceRef: { name: 'blueprints.pushy.ws1' } } }] },
      }),
    });
    expect(edit.status).toBe(422);
    expect(edit.body.message).toContain('Package NOT pushed to remote');
    expect((await h.call('GET', `${PR}/blueprints.pushy.ws2`)).status).toBe(404);
  });
});
