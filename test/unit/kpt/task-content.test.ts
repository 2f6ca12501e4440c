import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { cloneFiles, pointAtUpstream } from '../../../lib/kpt/clone-package.js';
import { generateInitPackage } from '../../../lib/kpt/init-package.js';
import { readKptfile } from '../../../lib/kpt/kptfile-read.js';
import { packageContextYaml } from '../../../lib/kpt/package-context.js';
import type { Lock } from '../../../lib/kpt/types.js';

describe('generateInitPackage', () => {
  it('writes the Kptfile kpt init writes', () => {
    const files = generateInitPackage('testpkg', {
      description: 'test package',
      keywords: ['test', 'kpt', 'pkg'],
      site: 'http://kpt.dev/testpkg',
    });
    expect(Object.keys(files).sort()).toEqual(['Kptfile', 'README.md', 'package-context.yaml']);
    expect(files.Kptfile).toBe(
      [
        'apiVersion: kpt.dev/v1',
        'kind: Kptfile',
        'metadata:',
        '  name: testpkg',
        '  annotations:',
        '    config.kubernetes.io/local-config: "true"',
        'info:',
        '  site: http://kpt.dev/testpkg',
        '  description: test package',
        '  keywords:',
        '  - test',
        '  - kpt',
        '  - pkg',
        '',
      ].join('\n'),
    );
  });

  it('writes the abstract package context ConfigMap', () => {
    const files = generateInitPackage('p', { description: 'd' });
    expect(parse(files['package-context.yaml'])).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kptfile.kpt.dev', annotations: { 'config.kubernetes.io/local-config': 'true' } },
      data: { name: 'example' },
    });
    expect(files['package-context.yaml']).toContain('config.kubernetes.io/local-config: "true"');
  });

  it('writes a README naming the package, its description and the kpt commands', () => {
    const readme = generateInitPackage('net', { description: 'a network' })['README.md'];
    expect(readme.startsWith('# net\n\n## Description\na network\n\n## Usage\n')).toBe(true);
    expect(readme).toContain('`kpt pkg get REPO_URI[.git]/PKG_PATH[@VERSION] net`');
    expect(readme).toContain('`kpt pkg tree net`');
    expect(readme).toContain('kpt live apply net --reconcile-timeout=2m --output=table');
  });

  it('initialises init.subpackage instead of the root', () => {
    const files = generateInitPackage('parent', { subpackage: '/child/', description: 'c' });
    expect(Object.keys(files).sort()).toEqual(['child/Kptfile', 'child/README.md', 'child/package-context.yaml']);
    expect(readKptfile(files['child/Kptfile']).name).toBe('parent');
  });

  it('quotes values YAML would retype', () => {
    const files = generateInitPackage('vpc', { description: 'yes', keywords: ['1', 'a: b'] });
    const kptfile = parse(files.Kptfile);
    expect(kptfile.info).toEqual({ description: 'yes', keywords: ['1', 'a: b'] });
  });

  it('writes info: {} when init gives no description, keywords or site (as kpt does)', () => {
    expect(generateInitPackage('x').Kptfile).toContain('\ninfo: {}\n');
  });

  it('keeps multi-line descriptions intact', () => {
    const description = 'line one\nline "two" and \'three\'';
    const files = generateInitPackage('x', { description });
    expect(parse(files.Kptfile).info.description).toBe(description);
    expect(files['README.md']).toContain(`## Description\n${description}\n`);
  });
});

const lock: Lock = {
  type: 'git',
  git: {
    repo: 'https://git.example/blueprints.git',
    directory: 'net/vpc',
    ref: 'catalog/net/vpc/v2',
    commit: 'c0ffee',
  },
};

const upstreamFiles = {
  Kptfile:
    '# upstream blueprint\napiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: vpc # blueprint name\n' +
    '  labels:\n    team: net\ninfo:\n  description: blueprint\n',
  'vpc.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: vpc\n',
  'package-context.yaml': packageContextYaml('example'),
};

describe('cloneFiles', () => {
  it('renames the package and points its Kptfile at the upstream, keeping comments and other files', () => {
    const files = cloneFiles(upstreamFiles, { packageName: 'edge/vpc', upstreamLock: lock });
    const fields = readKptfile(files.Kptfile);
    expect(fields.name).toBe('edge/vpc');
    expect(fields.upstream).toEqual({
      type: 'git',
      git: { repo: lock.git.repo, directory: 'net/vpc', ref: 'catalog/net/vpc/v2' },
    });
    expect(fields.upstreamLock).toEqual(lock);
    expect(fields.packageMetadata.labels).toEqual({ team: 'net' });
    expect(files.Kptfile).toContain('# upstream blueprint');
    expect(files.Kptfile).toContain('name: edge/vpc # blueprint name');
    expect(files['vpc.yaml']).toBe(upstreamFiles['vpc.yaml']);
    expect(files['package-context.yaml']).toBe(upstreamFiles['package-context.yaml']);
    expect(upstreamFiles.Kptfile).toContain('name: vpc # blueprint name');
  });

  it('writes the deployment package context with the package name and path', () => {
    const files = cloneFiles(upstreamFiles, {
      packageName: 'vpc',
      upstreamLock: lock,
      deployment: { packagePath: 'edge/vpc' },
    });
    expect(parse(files['package-context.yaml']).data).toEqual({ name: 'vpc', 'package-path': 'edge/vpc' });
  });

  it('leaves a package without a Kptfile as it is (create refuses it afterwards with Porch text)', () => {
    expect(cloneFiles({ 'a.yaml': 'a: 1\n' }, { packageName: 'x', upstreamLock: lock })).toEqual({
      'a.yaml': 'a: 1\n',
    });
  });

  it('renames without an upstream when the source revision has no self lock', () => {
    const files = cloneFiles(upstreamFiles, { packageName: 'copy', upstreamLock: null });
    expect(readKptfile(files.Kptfile).name).toBe('copy');
    expect(readKptfile(files.Kptfile).upstreamLock).toBeNull();
  });
});

describe('pointAtUpstream', () => {
  it('updates upstream fields without renaming when no name is given (upgrade)', () => {
    const files = pointAtUpstream(upstreamFiles, lock);
    expect(readKptfile(files.Kptfile).name).toBe('vpc');
    expect(readKptfile(files.Kptfile).upstreamLock).toEqual(lock);
  });
});
