/** set-image, ensure-name-substring and upsert-resource: the catalog's documented cases, on our own packages. */
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { renderFiles } from '../../lib/render/render-files.js';
import { builtinsOnly, kptfile } from './render-helpers.js';

const local = '  annotations:\n    config.kubernetes.io/local-config: "true"\n';
const withConfig = (image: string, config: string, files: Record<string, string>) => ({
  Kptfile: kptfile('pkg', `  mutators:\n    - image: ${image}\n      configPath: fn-config.yaml\n`),
  'fn-config.yaml': config,
  ...files,
});
const docs = (text: string) => parseAllDocuments(text).map((d) => d.toJS());

const deploy = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      serviceAccountName: runner
      containers:
        - name: app
          image: nginx:1.25 # pinned
          envFrom:
            - configMapRef:
                name: settings
        - name: side
          image: envoy@sha256:abc
      volumes:
        - name: cfg
          configMap:
            name: settings
`;

describe('set-image', () => {
  const cfg = (image: string) =>
    `apiVersion: fn.kpt.dev/v1alpha1\nkind: SetImage\nmetadata:\n  name: i\n${local}image:\n${image}`;

  it('sets tag, name and digest of matching containers and reports the count', async () => {
    const out = await renderFiles(
      withConfig(
        'gcr.io/kpt-fn/set-image:v0.1.1',
        cfg('  name: nginx\n  newName: registry.local/nginx\n  newTag: "1.27"\n'),
        {
          'd.yaml': deploy,
        },
      ),
      builtinsOnly,
    );
    expect(out.files['d.yaml']).toContain('image: registry.local/nginx:1.27 # pinned');
    expect(out.files['d.yaml']).toContain('image: envoy@sha256:abc');
    expect(out.results.items[0]!.results).toEqual([
      { message: 'summary: updated a total of 1 image(s)', severity: 'info' },
    ]);
    const digest = await renderFiles(
      withConfig(
        'set-image:v0.1',
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: i\n${local}data:\n  name: envoy\n  digest: sha256:def\n`,
        {
          'd.yaml': deploy,
        },
      ),
      builtinsOnly,
    );
    expect(digest.files['d.yaml']).toContain('image: envoy@sha256:def');
  });

  it('needs a name and something to set', async () => {
    const err = await renderFiles(withConfig('set-image:v0.1', cfg('  name: nginx\n'), {}), builtinsOnly).catch(
      (e) => e,
    );
    expect(err.message).toContain('must specify one of `newName`, `newTag`, or `digest`');
  });
});

describe('ensure-name-substring', () => {
  const files = {
    'd.yaml': deploy,
    'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n',
    'sa.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: runner\n',
    'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n',
  };

  it('prepends to names and to the references that name renamed resources; Namespaces are left alone', async () => {
    const out = await renderFiles(
      {
        Kptfile: kptfile(
          'pkg',
          '  mutators:\n    - image: ensure-name-substring:v0.2\n      configMap:\n        prepend: dev-\n',
        ),
        ...files,
      },
      builtinsOnly,
    );
    const d = parse(out.files['d.yaml']!);
    expect(d.metadata.name).toBe('dev-web');
    expect(d.spec.template.spec.volumes[0].configMap.name).toBe('dev-settings');
    expect(d.spec.template.spec.containers[0].envFrom[0].configMapRef.name).toBe('dev-settings');
    expect(d.spec.template.spec.serviceAccountName).toBe('dev-runner');
    expect(parse(out.files['ns.yaml']!).metadata.name).toBe('team');
    // Idempotent: a second render changes nothing.
    const again = await renderFiles(out.files, builtinsOnly);
    expect(again.files).toEqual(out.files);
  });

  it('appends with an EnsureNameSubstring config', async () => {
    const out = await renderFiles(
      withConfig(
        'ensure-name-substring:v0.2',
        `apiVersion: fn.kpt.dev/v1alpha1\nkind: EnsureNameSubstring\nmetadata:\n  name: e\n${local}substring: -prod\neditMode: append\n`,
        { 'cm.yaml': files['cm.yaml'] },
      ),
      builtinsOnly,
    );
    expect(parse(out.files['cm.yaml']!).metadata.name).toBe('settings-prod');
  });
});

describe('upsert-resource', () => {
  it('replaces the resource with the same identity, keeping its annotations, or adds it at target-path', async () => {
    const existing =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  annotations:\n    owner: a\ndata:\n  v: "1"\n';
    const replace = await renderFiles(
      withConfig(
        'upsert-resource:v0.2',
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  annotations:\n    config.kubernetes.io/local-config: "false"\ndata:\n  v: "2"\n',
        { 'cm.yaml': existing },
      ),
      builtinsOnly,
    );
    const cm = parse(replace.files['cm.yaml']!);
    expect(cm.data).toEqual({ v: '2' });
    expect(cm.metadata.annotations.owner).toBe('a');
    const add = await renderFiles(
      withConfig(
        'upsert-resource:v0.2',
        'apiVersion: v1\nkind: List\nmetadata:\n  name: l\n  annotations:\n    config.kubernetes.io/local-config: "true"\nitems:\n  - apiVersion: v1\n    kind: Secret\n    metadata:\n      name: token\n      annotations:\n        config.kubernetes.io/target-path: secrets/token.yaml\n',
        { 'cm.yaml': existing },
      ),
      builtinsOnly,
    );
    expect(docs(add.files['secrets/token.yaml']!)).toEqual([
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'token' } },
    ]);
  });
});
