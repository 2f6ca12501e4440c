/** set-namespace, set-labels and set-annotations: the catalog's documented cases, on our own packages. */
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { renderFiles } from '../../lib/render/render-files.js';
import { builtinsOnly, kptfile } from './render-helpers.js';

const docs = (text: string) => parseAllDocuments(text).map((d) => d.toJS());
const mutator = (image: string, config: string) => kptfile('pkg', `  mutators:\n    - image: ${image}\n${config}`);
const cmConfig = (data: Record<string, string>) =>
  `      configMap:\n${Object.entries(data)
    .map(([k, v]) => `        ${k}: ${v}\n`)
    .join('')}`;

const workloads = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: old
  annotations:
    config.kubernetes.io/depends-on: /namespaces/old/ConfigMap/settings
spec:
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: old
---
apiVersion: v1
kind: Namespace
metadata:
  name: old
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: crb
subjects:
  - kind: ServiceAccount
    name: sa
    namespace: old
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: local
  annotations:
    config.kubernetes.io/local-config: "true"
`;

describe('set-namespace', () => {
  it('moves namespaced resources, the Namespace object, subjects and depends-on references', async () => {
    const out = await renderFiles(
      { Kptfile: mutator('gcr.io/kpt-fn/set-namespace:v0.4.1', cmConfig({ namespace: 'new' })), 'r.yaml': workloads },
      builtinsOnly,
    );
    const [deploy, cm, ns, crb, local] = docs(out.files['r.yaml']!);
    expect(deploy.metadata.namespace).toBe('new');
    expect(deploy.metadata.annotations['config.kubernetes.io/depends-on']).toBe('/namespaces/new/ConfigMap/settings');
    expect(cm.metadata.namespace).toBe('new');
    expect(ns.metadata.name).toBe('new');
    expect(crb.subjects[0].namespace).toBe('new');
    expect(local.metadata.namespace).toBeUndefined();
    const messages = out.results.items[0]!.results!.map((r) => r.message);
    expect(messages).toContain('namespace [old] updated to "new", 4 value(s) changed');
    expect(messages).toContain('`depends-on` annotation namespace [old] updated to "new", 1 value(s) changed');
    expect(messages.filter((m) => m.endsWith('does not have upstream origin.'))).toHaveLength(4);
  });

  it('takes the namespace from the package context ConfigMap (kptfile.kpt.dev data.name)', async () => {
    const out = await renderFiles(
      {
        Kptfile: mutator('set-namespace:v0.4', '      configPath: package-context.yaml\n'),
        'package-context.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kptfile.kpt.dev\n  annotations:\n    config.kubernetes.io/local-config: "true"\ndata:\n  name: edge-1\n',
        'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
      },
      builtinsOnly,
    );
    expect(parse(out.files['cm.yaml']!).metadata.namespace).toBe('edge-1');
  });

  it('namespaceMatcher changes only the matching namespace; several origins without it is an error', async () => {
    const two = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: one\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: two\n`;
    const upstream = two
      .replace(
        'namespace: one',
        'namespace: one\n  annotations:\n    internal.kpt.dev/upstream-identifier: "|ConfigMap|one|a"',
      )
      .replace(
        'namespace: two',
        'namespace: two\n  annotations:\n    internal.kpt.dev/upstream-identifier: "|ConfigMap|two|b"',
      );
    const matched = await renderFiles(
      {
        Kptfile: mutator('set-namespace:v1', cmConfig({ namespace: 'three', namespaceMatcher: 'two' })),
        'r.yaml': upstream,
      },
      builtinsOnly,
    );
    expect(docs(matched.files['r.yaml']!).map((d) => d.metadata.namespace)).toEqual(['one', 'three']);
    const err = await renderFiles(
      { Kptfile: mutator('set-namespace:v1', cmConfig({ namespace: 'three' })), 'r.yaml': upstream },
      builtinsOnly,
    ).catch((e) => e);
    expect(err.message).toContain('expect a single upstream namespace, found [one two]');
  });

  it('refuses a ConfigMap without data.namespace', async () => {
    const err = await renderFiles(
      { Kptfile: mutator('set-namespace:v1', cmConfig({ other: 'x' })) },
      builtinsOnly,
    ).catch((e) => e);
    expect(err.message).toContain('`data.namespace` should not be empty');
  });
});

describe('set-labels', () => {
  it('labels metadata, selectors and templates of non-local resources and counts what it set', async () => {
    const svc = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  selector:\n    app: api\n';
    const out = await renderFiles(
      {
        Kptfile: mutator(
          'ghcr.io/kptdev/krm-functions-catalog/set-labels:v0.2',
          cmConfig({ tier: 'backend', app: 'api' }),
        ),
        'r.yaml': workloads,
        'svc.yaml': svc,
      },
      builtinsOnly,
    );
    const [deploy, , , , local] = docs(out.files['r.yaml']!);
    expect(deploy.metadata.labels).toEqual({ app: 'api', tier: 'backend' });
    expect(deploy.spec.selector.matchLabels).toEqual({ app: 'api', tier: 'backend' });
    expect(deploy.spec.template.metadata.labels).toEqual({ app: 'api', tier: 'backend' });
    expect(local.metadata.labels).toBeUndefined();
    expect(parse(out.files['svc.yaml']!).spec.selector).toEqual({ app: 'api', tier: 'backend' });
    expect(out.results.items[0]!.results).toEqual([{ message: 'set 16 labels in total', severity: 'info' }]);
  });

  it('takes labels from a SetLabels config', async () => {
    const out = await renderFiles(
      {
        Kptfile: mutator('set-labels:v1', '      configPath: labels.yaml\n'),
        'labels.yaml':
          'apiVersion: fn.kpt.dev/v1alpha1\nkind: SetLabels\nmetadata:\n  name: l\n  annotations:\n    config.kubernetes.io/local-config: "true"\nlabels:\n  color: blue\n',
        'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
      },
      builtinsOnly,
    );
    expect(parse(out.files['cm.yaml']!).metadata.labels).toEqual({ color: 'blue' });
  });
});

describe('set-annotations', () => {
  it('annotates every resource and the pod template, reporting each field set', async () => {
    const out = await renderFiles(
      { Kptfile: mutator('gcr.io/kpt-fn/set-annotations:v0.1', cmConfig({ owner: 'team-a' })), 'r.yaml': workloads },
      builtinsOnly,
    );
    const [deploy, cm] = docs(out.files['r.yaml']!);
    expect(deploy.metadata.annotations.owner).toBe('team-a');
    expect(deploy.spec.template.metadata.annotations).toEqual({ owner: 'team-a' });
    expect(cm.metadata.annotations).toEqual({ owner: 'team-a' });
    expect(out.results.items[0]!.results).toContainEqual({
      message: 'set annotations: {"owner":"team-a"}',
      field: { path: 'spec.template.metadata.annotations' },
      file: { path: 'r.yaml', index: 0 },
    });
  });

  it('an empty annotation list is an error', async () => {
    const err = await renderFiles(
      { Kptfile: mutator('set-annotations:v1', '      configMap: {}\n') },
      builtinsOnly,
    ).catch((e) => e);
    expect(err.message).toContain('input annotation list cannot be empty');
  });
});
