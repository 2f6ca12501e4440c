import { describe, expect, it } from 'vitest';
import {
  packageName,
  packageRevisionName,
  packageRevisionUid,
  packageUid,
  parsePackageRevisionName,
  placeholderName,
  uuidV5,
} from '../../lib/names.js';

describe('names', () => {
  it('composes package and revision names with dotted paths', () => {
    expect(packageName('blueprints', 'net/vpc')).toBe('blueprints.net.vpc');
    expect(packageRevisionName('blueprints', 'net/vpc', 'add-tls')).toBe('blueprints.net.vpc.add-tls');
    expect(placeholderName('test-blueprints', 'basens', 'main')).toBe('test-blueprints.basens.main');
  });

  it.each([
    [
      'blueprints.net.vpc.add-tls',
      { repository: 'blueprints', path: 'net/vpc', packageName: 'vpc', workspace: 'add-tls' },
    ],
    ['repo.pkg.v2.0.0', { repository: 'repo', path: 'pkg', packageName: 'pkg', workspace: 'v2.0.0' }],
    ['repo.a.b.v3', { repository: 'repo', path: 'a/b', packageName: 'b', workspace: 'v3' }],
    ['repo.v1.ws', { repository: 'repo', path: 'v1', packageName: 'v1', workspace: 'ws' }],
    ['repo.pkg.v1.v2', { repository: 'repo', path: 'pkg/v1', packageName: 'v1', workspace: 'v2' }],
    ['repo.ws', { repository: 'repo', path: '', packageName: '', workspace: 'ws' }],
    ['repo.v1.2', { repository: 'repo', path: '', packageName: '', workspace: 'v1.2' }],
    ['repo', { repository: 'repo', path: '', packageName: '', workspace: '' }],
  ])('parses %s', (name, parts) => {
    expect(parsePackageRevisionName(name)).toEqual(parts);
  });

  it('round-trips composed names', () => {
    const name = packageRevisionName('r', 'x/y/z', 'v1.2.3');
    expect(parsePackageRevisionName(name)).toEqual({
      repository: 'r',
      path: 'x/y/z',
      packageName: 'z',
      workspace: 'v1.2.3',
    });
  });
});

describe('uids', () => {
  it('computes the example of docs/porch-semantics.md §3.3', () => {
    expect(packageRevisionUid('rpkg-init', 'git.init-package.init-1')).toBe('45ee0692-730a-51b2-9a1d-ad4f4ad55dc8');
  });

  it('lower-cases namespace and name', () => {
    expect(packageRevisionUid('RPKG-init', 'Git.init-package.init-1')).toBe('45ee0692-730a-51b2-9a1d-ad4f4ad55dc8');
  });

  it('matches the RFC 4122 test vector for the DNS namespace', () => {
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('gives packages a different uid than revisions of the same name, and differs per namespace', () => {
    expect(packageUid('ns', 'repo.pkg')).not.toBe(packageRevisionUid('ns', 'repo.pkg'));
    expect(packageUid('a', 'repo.pkg')).not.toBe(packageUid('b', 'repo.pkg'));
    expect(packageUid('ns', 'repo.pkg')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});
