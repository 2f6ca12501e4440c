/** apply-setters, apply-replacements and search-replace: the catalog's documented cases, on our own packages. */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderFiles } from '../../lib/render/render-files.js';
import { builtinsOnly, kptfile } from './render-helpers.js';

const withConfig = (image: string, config: string, files: Record<string, string>) => ({
  Kptfile: kptfile('pkg', `  mutators:\n    - image: ${image}\n      configPath: fn-config.yaml\n`),
  'fn-config.yaml': config,
  ...files,
});
const local = '  annotations:\n    config.kubernetes.io/local-config: "true"\n';

describe('apply-setters', () => {
  const setters = (data: string) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: setters\n${local}data:\n${data}`;
  const deploy = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web # kpt-set: \${app}-web
spec:
  replicas: 1 # kpt-set: \${replicas}
  template:
    spec:
      containers:
        - name: app
          image: nginx:1.25 # kpt-set: \${image}:\${tag}
          args: # kpt-set: \${args}
            - --old
`;

  it('sets scalars from patterns, keeps the current value of setters not given, replaces lists', async () => {
    const out = await renderFiles(
      withConfig(
        'gcr.io/kpt-fn/apply-setters:v0.2.0',
        setters('  app: shop\n  replicas: "3"\n  tag: "1.27"\n  args: "[--a, --b]"\n'),
        { 'deploy.yaml': deploy },
      ),
      builtinsOnly,
    );
    const text = out.files['deploy.yaml']!;
    expect(text).toContain('name: shop-web # kpt-set: ${app}-web');
    expect(text).toContain('image: nginx:1.27 # kpt-set: ${image}:${tag}');
    const d = parse(text);
    expect(d.spec.replicas).toBe(3);
    expect(d.spec.template.spec.containers[0].args).toEqual(['--a', '--b']);
    expect(out.results.items[0]!.results).toContainEqual({
      message: 'set field value to "nginx:1.27"',
      field: { path: 'spec.template.spec.containers[0].image' },
      file: { path: 'deploy.yaml' },
    });
  });

  it('reports no matches when no field names a given setter', async () => {
    const out = await renderFiles(
      withConfig('apply-setters:v0.2', setters('  unused: x\n'), { 'deploy.yaml': deploy }),
      builtinsOnly,
    );
    expect(out.files['deploy.yaml']).toBe(deploy);
    expect(out.results.items[0]!.results).toEqual([{ message: 'no matches for input setter(s)' }]);
  });
});

describe('apply-replacements', () => {
  const config = (replacements: string) =>
    `apiVersion: fn.kpt.dev/v1alpha1\nkind: ApplyReplacements\nmetadata:\n  name: r\n${local}replacements:\n${replacements}`;

  it('copies a whole field into a target, creating the path', async () => {
    const out = await renderFiles(
      withConfig(
        'gcr.io/kpt-fn/apply-replacements:v0.1.1',
        config(`  - source:
      kind: Pod
      name: template
      fieldPath: spec
    targets:
      - select:
          kind: Job
        fieldPaths:
          - spec.template.spec
        options:
          create: true
`),
        {
          'pod.yaml':
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: template\nspec:\n  containers:\n    - name: c\n      image: busybox\n',
          'job.yaml': 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: hello\n',
        },
      ),
      builtinsOnly,
    );
    expect(parse(out.files['job.yaml']!).spec.template.spec).toEqual({ containers: [{ name: 'c', image: 'busybox' }] });
  });

  it('replaces one delimited part, selecting list items by field', async () => {
    const out = await renderFiles(
      withConfig(
        'apply-replacements:v0.1',
        config(`  - source:
      kind: ConfigMap
      name: env
      fieldPath: data.registry
    targets:
      - select:
          kind: Deployment
        fieldPaths:
          - spec.template.spec.containers.[name=app].image
        options:
          delimiter: /
          index: 0
`),
        {
          'env.yaml':
            'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: env\ndata:\n  registry: registry.example.com\n',
          'deploy.yaml':
            'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: docker.io/nginx # the image\n        - name: side\n          image: docker.io/envoy\n',
        },
      ),
      builtinsOnly,
    );
    expect(out.files['deploy.yaml']).toContain('image: registry.example.com/nginx # the image');
    expect(out.files['deploy.yaml']).toContain('image: docker.io/envoy');
  });

  it('a source matching nothing fails the pipeline', async () => {
    const err = await renderFiles(
      withConfig(
        'apply-replacements:v0.1',
        config(
          '  - source:\n      kind: Secret\n      name: none\n    targets:\n      - select:\n          kind: Job\n',
        ),
        {},
      ),
      builtinsOnly,
    ).catch((e) => e);
    expect(err.message).toContain('nothing selected by kind=Secret name=none');
  });
});

describe('search-replace', () => {
  const cfg = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sr\n${local}data:\n${data}`;
  const deploy =
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: the-deployment\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n        - name: a\n          image: nginx-1.2\n';

  it('replaces by path and value', async () => {
    const out = await renderFiles(
      withConfig(
        'search-replace:v0.2',
        cfg('  by-path: metadata.name\n  by-value: the-deployment\n  put-value: my-deployment\n'),
        { 'd.yaml': deploy },
      ),
      builtinsOnly,
    );
    expect(parse(out.files['d.yaml']!).metadata.name).toBe('my-deployment');
    expect(out.results.items[0]!.results).toEqual([
      { message: 'Mutated field value to "my-deployment"', field: { path: 'metadata.name' }, file: { path: 'd.yaml' } },
    ]);
  });

  it('matches a whole value by regex and resolves capture groups; ** finds nested fields', async () => {
    const out = await renderFiles(
      withConfig(
        'search-replace:v0.2',
        cfg(
          '  by-path: spec.**.image\n  by-value-regex: nginx-(.*)\n  put-value: ubuntu-${1}\n  put-comment: "kpt-set: ubuntu-${1}"\n',
        ),
        { 'd.yaml': deploy },
      ),
      builtinsOnly,
    );
    expect(out.files['d.yaml']).toContain('image: ubuntu-1.2 # kpt-set: ubuntu-1.2');
  });

  it('creates a field named by an absolute path, and reports no matches otherwise', async () => {
    const created = await renderFiles(
      withConfig('search-replace:v0.2', cfg('  by-path: spec.paused\n  put-value: "true"\n'), { 'd.yaml': deploy }),
      builtinsOnly,
    );
    expect(parse(created.files['d.yaml']!).spec.paused).toBe(true);
    const none = await renderFiles(
      withConfig('search-replace:v0.2', cfg('  by-path: spec.nothing\n'), { 'd.yaml': deploy }),
      builtinsOnly,
    );
    expect(none.results.items[0]!.results).toEqual([{ message: 'no matches' }]);
  });

  it('refuses unknown matchers', async () => {
    const err = await renderFiles(withConfig('search-replace:v0.2', cfg('  by-colour: red\n'), {}), builtinsOnly).catch(
      (e) => e,
    );
    expect(err.message).toContain('invalid matcher \\"by-colour\\"');
  });
});
