import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderFiles, RenderFailure } from '../../lib/render/render-files.js';
import { builtinsOnly, kptfile } from './render-helpers.js';

const deployment = (name: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name} # the workload
${extra}spec:
  replicas: 1
  template:
    spec:
      containers:
        - name: app
          image: nginx:1.25
`;

const service = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
`;

describe('render engine', () => {
  it('runs mutators in order, keeps comments and key order, adds the Rendered condition', async () => {
    const files = {
      Kptfile: kptfile(
        'app',
        `  mutators:
    - image: gcr.io/kpt-fn/set-namespace:v0.4.1
      configMap:
        namespace: prod
    - image: ghcr.io/kptdev/krm-functions-catalog/set-labels:v0.2
      configMap:
        tier: web
`,
      ),
      'deploy.yaml': `# leading comment\n${deployment('web')}`,
      'README.md': '# not yaml\n',
    };
    const out = await renderFiles(files, builtinsOnly);
    expect(out.files['README.md']).toBe('# not yaml\n');
    expect(out.files['deploy.yaml']).toBe(`# leading comment
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web # the workload
  namespace: prod
  labels:
    tier: web
spec:
  replicas: 1
  template:
    spec:
      containers:
        - name: app
          image: nginx:1.25
    metadata:
      labels:
        tier: web
  selector:
    matchLabels:
      tier: web
`);
    const kpt = parse(out.files.Kptfile!);
    expect(kpt.status.conditions).toEqual([{ type: 'Rendered', status: 'True', reason: 'RenderSuccess' }]);
    // The Kptfile is local config: neither function touches it.
    expect(kpt.metadata.labels).toBeUndefined();
    expect(out.results.items.map((r) => [r.image, r.exitCode])).toEqual([
      ['gcr.io/kpt-fn/set-namespace:v0.4.1', 0],
      ['ghcr.io/kptdev/krm-functions-catalog/set-labels:v0.2', 0],
    ]);
    expect(out.results.items[0]!.results).toContainEqual({
      message: 'namespace [default] updated to "prod", 1 value(s) changed',
      severity: 'info',
    });
    expect(out.results.exitCode).toBe(0);
  });

  it('renders subpackages first and lets the parent see their resources', async () => {
    const files = {
      Kptfile: kptfile(
        'parent',
        `  mutators:
    - image: set-labels:v1
      configMap:
        owner: parent
`,
      ),
      'svc.yaml': service,
      'db/Kptfile': kptfile(
        'db',
        `  mutators:
    - image: set-namespace:v1
      configMap:
        namespace: db
`,
      ),
      'db/deploy.yaml': deployment('db'),
    };
    const out = await renderFiles(files, builtinsOnly);
    const db = parse(out.files['db/deploy.yaml']!);
    expect(db.metadata.namespace).toBe('db');
    expect(db.metadata.labels).toEqual({ owner: 'parent' });
    const svc = parse(out.files['svc.yaml']!);
    expect(svc.metadata.namespace).toBeUndefined();
    expect(svc.spec.selector).toEqual({ app: 'web', owner: 'parent' });
    // Only the root Kptfile records the render.
    expect(parse(out.files['db/Kptfile']!).status).toBeUndefined();
    expect(out.results.items.map((r) => r.image)).toEqual(['set-namespace:v1', 'set-labels:v1']);
  });

  it('a subpackage function does not see the parent resources', async () => {
    const files = {
      Kptfile: kptfile('parent'),
      'svc.yaml': service,
      'db/Kptfile': kptfile(
        'db',
        '  mutators:\n    - image: set-namespace:v1\n      configMap:\n        namespace: db\n',
      ),
      'db/deploy.yaml': deployment('db'),
    };
    const out = await renderFiles(files, builtinsOnly);
    expect(out.files['svc.yaml']).toBe(service);
  });

  it('reads configPath from the package, as an earlier function left it', async () => {
    const files = {
      Kptfile: kptfile(
        'app',
        `  mutators:
    - image: apply-setters:v0.2
      configPath: setters.yaml
    - image: set-namespace:v0.4
      configPath: ns.yaml
`,
      ),
      'setters.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: setters
  annotations:
    config.kubernetes.io/local-config: "true"
data:
  ns: from-setter
`,
      'ns.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: ns
  annotations:
    config.kubernetes.io/local-config: "true"
data:
  namespace: old # kpt-set: \${ns}
`,
      'deploy.yaml': deployment('web'),
    };
    const out = await renderFiles(files, builtinsOnly);
    expect(parse(out.files['deploy.yaml']!).metadata.namespace).toBe('from-setter');
    expect(out.files['ns.yaml']).toContain('namespace: from-setter # kpt-set: ${ns}');
  });

  it('a configPath may not name a file of a subpackage', async () => {
    const files = {
      Kptfile: kptfile('parent', '  mutators:\n    - image: set-namespace:v1\n      configPath: db/ns.yaml\n'),
      'db/Kptfile': kptfile('db'),
      'db/ns.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ns\ndata:\n  namespace: x\n',
    };
    await expect(renderFiles(files, builtinsOnly)).rejects.toThrow('missing function config "db/ns.yaml"');
  });

  it('missing configPath and both config kinds are pipeline errors', async () => {
    const missing = { Kptfile: kptfile('a', '  mutators:\n    - image: set-labels:v1\n      configPath: nope.yaml\n') };
    await expect(renderFiles(missing, builtinsOnly)).rejects.toThrow(/missing function config "nope.yaml"/);
    const both = {
      Kptfile: kptfile(
        'a',
        '  mutators:\n    - image: set-labels:v1\n      configPath: x.yaml\n      configMap:\n        a: b\n',
      ),
    };
    await expect(renderFiles(both, builtinsOnly)).rejects.toMatchObject({ kind: 'pipeline' });
  });

  it('selectors and exclude choose what a function sees', async () => {
    const files = {
      Kptfile: kptfile(
        'app',
        `  mutators:
    - image: set-namespace:v1
      configMap:
        namespace: picked
      selectors:
        - kind: Deployment
      exclude:
        - name: skipped
`,
      ),
      'r.yaml': `${deployment('chosen')}---\n${deployment('skipped')}---\n${service}`,
    };
    const out = await renderFiles(files, builtinsOnly);
    const docs = out.files['r.yaml']!.split(/^---$/m).map((d) => parse(d));
    expect(docs.map((d) => [d.metadata.name, d.metadata.namespace])).toEqual([
      ['chosen', 'picked'],
      ['skipped', undefined],
      ['web', undefined],
    ]);
  });

  it('.krmignore keeps files out of the pipeline; other YAML must be KRM', async () => {
    const files = {
      Kptfile: kptfile('app', '  mutators:\n    - image: set-namespace:v1\n      configMap:\n        namespace: x\n'),
      '.krmignore': 'values/\n',
      'values/settings.yaml': 'replicas: 3\n',
      'deploy.yaml': deployment('web'),
    };
    const out = await renderFiles(files, builtinsOnly);
    expect(out.files['values/settings.yaml']).toBe('replicas: 3\n');
    const { '.krmignore': _ignore, ...unignored } = files;
    await expect(renderFiles(unignored, builtinsOnly)).rejects.toThrow(
      'input resource list must contain only KRM resources: values/settings.yaml: resource must have `apiVersion`',
    );
  });

  it('a failing validator fails the render and reports its results', async () => {
    const files = {
      Kptfile: kptfile('app', '  validators:\n    - image: set-namespace:v1\n'),
      'deploy.yaml': deployment('web'),
    };
    const err = await renderFiles(files, builtinsOnly).catch((e) => e);
    expect(err).toBeInstanceOf(RenderFailure);
    expect(err.kind).toBe('pipeline');
    expect(err.message).toContain('func eval "set-namespace:v1" failed to run: exit code 1');
    expect(err.results.exitCode).toBe(1);
    expect(err.results.items[0].results[0].severity).toBe('error');
  });

  it('a validator cannot change resources', async () => {
    const files = {
      Kptfile: kptfile('app', '  validators:\n    - image: set-labels:v1\n      configMap:\n        a: b\n'),
      'deploy.yaml': deployment('web'),
    };
    const out = await renderFiles(files, builtinsOnly);
    expect(out.files['deploy.yaml']).toBe(deployment('web'));
  });

  it('an unknown image with no runtime is unavailable, naming the image and how to enable it', async () => {
    const files = { Kptfile: kptfile('app', '  mutators:\n    - image: example.com/fn/kubeconform:v1\n') };
    const err = await renderFiles(files, builtinsOnly).catch((e) => e);
    expect(err.kind).toBe('unavailable');
    expect(err.message).toContain('"example.com/fn/kubeconform:v1"');
    expect(err.message).toContain('KRM_FUNCTIONS_FILE');
  });

  it('leaves a package without a pipeline byte for byte, apart from the condition', async () => {
    const files = { Kptfile: kptfile('app'), 'deploy.yaml': `${deployment('web')}---\n${service}` };
    const out = await renderFiles(files, builtinsOnly);
    expect(out.files['deploy.yaml']).toBe(files['deploy.yaml']);
    expect(out.files.Kptfile).toBe(
      `${files.Kptfile}status:\n  conditions:\n  - type: Rendered\n    status: "True"\n    reason: RenderSuccess\n`,
    );
    const again = await renderFiles(out.files, builtinsOnly);
    expect(again.files).toEqual(out.files);
  });
});
