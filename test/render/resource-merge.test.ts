/** kpt's resource-merge (lib/kpt/resource-merge.ts) on our own packages. */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { addMergeKeys } from '../../lib/kpt/merge-keys.js';
import { resourceMerge } from '../../lib/kpt/resource-merge.js';

const setters = (data: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: setters\n  annotations:\n    config.kubernetes.io/local-config: "true"\ndata:\n${data}`;
const kptfile = 'apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: pkg\n';

const deploy = (containers: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n${containers}`;

describe('resource-merge', () => {
  it('merges different fields changed locally and upstream, keeping local comments', () => {
    const origin = { Kptfile: kptfile, 'setters.yaml': setters('  namespace: example\n  replicas: "1"\n') };
    const upstream = { Kptfile: kptfile, 'setters.yaml': setters('  namespace: example\n  replicas: "3"\n') };
    const cloned = addMergeKeys({ 'setters.yaml': setters('  namespace: site-1 # mine\n  replicas: "1"\n') });
    const out = resourceMerge(origin, upstream, { Kptfile: kptfile, ...cloned });
    expect(parse(out['setters.yaml']!).data).toEqual({ namespace: 'site-1', replicas: '3' });
    expect(out['setters.yaml']).toContain('namespace: site-1 # mine');
  });

  it('takes upstream when both changed the same field (kpt: upstream wins)', () => {
    const out = resourceMerge(
      { 'setters.yaml': setters('  replicas: "1"\n') },
      { 'setters.yaml': setters('  replicas: "3"\n') },
      { 'setters.yaml': setters('  replicas: "2"\n') },
    );
    expect(parse(out['setters.yaml']!).data.replicas).toBe('3');
  });

  it('keeps a local value when upstream did not change the field', () => {
    const out = resourceMerge(
      { 'setters.yaml': setters('  replicas: "1"\n  image: a\n') },
      { 'setters.yaml': setters('  replicas: "1"\n  image: b\n') },
      { 'setters.yaml': setters('  replicas: "2"\n  image: a\n') },
    );
    expect(parse(out['setters.yaml']!).data).toEqual({ replicas: '2', image: 'b' });
  });

  it('merges lists of containers by name: upstream image change, local added sidecar, upstream removed one', () => {
    const origin = deploy('        - name: app\n          image: app:1\n        - name: old\n          image: old:1\n');
    const upstream = deploy('        - name: app\n          image: app:2\n');
    const local = deploy(
      '        - name: app\n          image: app:1\n          args: [--local]\n        - name: old\n          image: old:1\n        - name: sidecar\n          image: proxy:1\n',
    );
    const out = resourceMerge({ 'd.yaml': origin }, { 'd.yaml': upstream }, { 'd.yaml': local });
    expect(parse(out['d.yaml']!).spec.template.spec.containers).toEqual([
      { name: 'app', image: 'app:2', args: ['--local'] },
      { name: 'sidecar', image: 'proxy:1' },
    ]);
  });

  it('adds resources upstream added, deletes those it deleted, keeps local-only ones and local deletions', () => {
    const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
    const out = resourceMerge(
      { 'a.yaml': cm('a'), 'gone.yaml': cm('gone'), 'dropped.yaml': cm('dropped') },
      { 'a.yaml': cm('a'), 'dropped.yaml': cm('dropped'), 'new.yaml': cm('new') },
      { 'a.yaml': cm('a'), 'gone.yaml': cm('gone'), 'mine.yaml': cm('mine'), 'README.md': 'local notes\n' },
    );
    expect(Object.keys(out).sort()).toEqual(['README.md', 'a.yaml', 'mine.yaml', 'new.yaml']);
    expect(out['a.yaml']).toBe(cm('a'));
  });

  it('matches a locally renamed resource through its upstream-identifier', () => {
    const origin = { 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: base\ndata:\n  a: "1"\n' };
    const upstream = { 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: base\ndata:\n  a: "2"\n' };
    const cloned = addMergeKeys(origin)['cm.yaml']!.replace('name: base', 'name: site-base');
    const out = resourceMerge(origin, upstream, { 'cm.yaml': cloned });
    const merged = parse(out['cm.yaml']!);
    expect(merged.metadata.name).toBe('site-base');
    expect(merged.data.a).toBe('2');
  });
});
