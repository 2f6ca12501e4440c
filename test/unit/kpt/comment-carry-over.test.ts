import { describe, expect, it } from 'vitest';
import { carryOverComments, isKrmFile } from '../../../lib/kpt/comment-carry-over.js';

const deployment = `# The web front end
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web # public name
  namespace: shop
spec:
  replicas: 2 # enough for now
  template:
    spec:
      containers:
      - name: web
        image: nginx:1.25 # pinned
      # ships the logs
      - name: sidecar # logs
        image: fluent-bit
`;

const stripped = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: sidecar
        image: fluent-bit
      - name: web
        image: nginx:1.26
`;

describe('carryOverComments', () => {
  it('puts the previous comments back on a resource a client re-serialised without them', () => {
    const out = carryOverComments({ 'web.yaml': deployment }, { 'web.yaml': stripped })['web.yaml'];
    expect(out).toBe(`# The web front end
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web # public name
  namespace: shop
spec:
  replicas: 3 # enough for now
  template:
    spec:
      containers:
      # ships the logs
      - name: sidecar # logs
        image: fluent-bit
      - name: web
        image: nginx:1.26 # pinned
`);
  });

  it('keeps comments the new version has and adds none over them', () => {
    const mine = stripped.replace('replicas: 3', 'replicas: 3 # scaled up');
    const out = carryOverComments({ 'web.yaml': deployment }, { 'web.yaml': mine })['web.yaml'];
    expect(out).toContain('replicas: 3 # scaled up');
    expect(out).not.toContain('enough for now');
    expect(out).toContain('name: web # public name');
  });

  it('matches resources across files and leaves other resources untouched', () => {
    const other = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\n';
    const out = carryOverComments({ 'old/web.yaml': deployment }, { 'moved.yaml': stripped, 'svc.yaml': other });
    expect(out['moved.yaml']).toContain('# The web front end');
    expect(out['svc.yaml']).toBe(other);
  });

  it('does not match a resource of another namespace, kind or apiVersion', () => {
    for (const changed of [
      stripped.replace('namespace: shop', 'namespace: other'),
      stripped.replace('kind: Deployment', 'kind: StatefulSet'),
      stripped.replace('apps/v1', 'apps/v1beta1'),
    ]) {
      expect(carryOverComments({ 'web.yaml': deployment }, { 'web.yaml': changed })['web.yaml']).toBe(changed);
    }
  });

  it('returns files byte for byte when nothing is copied, non-YAML files, and files that do not parse', () => {
    const next = {
      'web.yaml': deployment.replace(/\n/g, '\r\n'),
      'README.md': '# Title\n',
      'broken.yaml': 'kind: [\n',
      'notes.txt': stripped,
    };
    expect(carryOverComments({ 'web.yaml': deployment, 'notes.txt': deployment }, next)).toEqual(next);
  });

  it('handles multi-document files, keeping separators, and CRLF', () => {
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg # settings\ndata:\n  a: "1" # one\n';
    const previous = { 'all.yaml': `${cm}---\n${deployment}` };
    const strippedCm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: "2"\n';
    const next = { 'all.yaml': `${strippedCm}---\n${stripped}`.replace(/\n/g, '\r\n') };
    const out = carryOverComments(previous, next)['all.yaml'];
    expect(out).toContain('name: cfg # settings\r\n');
    expect(out).toContain('a: "2" # one\r\n');
    expect(out).toContain('\r\n---\r\n# The web front end\r\n');
    expect(out.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('carries Kptfile comments too', () => {
    const old = '# my package\napiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: p # pkg\n';
    const next = 'apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: p\ninfo:\n  description: d\n';
    expect(carryOverComments({ Kptfile: old }, { Kptfile: next }).Kptfile).toBe(
      '# my package\napiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: p # pkg\ninfo:\n  description: d\n',
    );
  });

  it('leaves ytt templates alone', () => {
    const template = '#@ load("@ytt:data", "data")\n' + deployment;
    expect(carryOverComments({ 'web.yaml': template }, { 'web.yaml': stripped })['web.yaml']).toBe(stripped);
  });

  it('ignores resources without kind or name', () => {
    const old = { 'values.yaml': 'replicas: 2 # two\n' };
    expect(carryOverComments(old, { 'values.yaml': 'replicas: 3\n' })['values.yaml']).toBe('replicas: 3\n');
  });
});

describe('isKrmFile', () => {
  it('selects YAML files and Kptfiles', () => {
    expect(['a.yaml', 'b/c.yml', 'Kptfile', 'sub/Kptfile'].every(isKrmFile)).toBe(true);
    expect(['README.md', 'Kptfile.bak', 'x.json', 'notKptfile'].some(isKrmFile)).toBe(false);
  });
});
