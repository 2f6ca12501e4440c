import { describe, expect, it } from 'vitest';
import {
  dnsLabelErrors,
  dnsSubdomainErrors,
  isDnsLabel,
  isDnsSubdomain,
  validatePackagePath,
  validateStoredPackagePath,
  validatePackageRevisionName,
  validateWorkspaceName,
} from '../../lib/validation.js';

const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

describe('DNS labels', () => {
  it.each(['a', 'my-name', '123-abc', 'x'.repeat(63)])('accepts %s', (v) => {
    expect(isDnsLabel(v)).toBe(true);
    expect(dnsLabelErrors(v)).toEqual([]);
  });

  it.each(['', 'A', '-a', 'a-', 'a_b', 'a/b', 'ä'])('refuses %j with the Kubernetes message', (v) => {
    expect(isDnsLabel(v)).toBe(false);
    expect(dnsLabelErrors(v)).toEqual([LABEL_MSG]);
  });

  it('says why for dots and length', () => {
    expect(dnsLabelErrors('a.b')).toEqual(['must not contain dots']);
    expect(dnsLabelErrors('x'.repeat(64))).toEqual(['must be no more than 63 characters']);
  });
});

describe('DNS subdomains', () => {
  it('accepts dotted names up to 253 characters', () => {
    expect(isDnsSubdomain('repo.pkg.v1.2')).toBe(true);
    expect(isDnsSubdomain(`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`)).toBe(true);
  });

  it('refuses bad characters and overlong names', () => {
    expect(isDnsSubdomain('a..b')).toBe(false);
    expect(dnsSubdomainErrors('A.b')[0]).toMatch(/^a lowercase RFC 1123 subdomain must consist of/);
    expect(validatePackageRevisionName(`${'a'.repeat(200)}.${'b'.repeat(53)}`)).toEqual([
      'must be no more than 253 characters',
    ]);
  });
});

describe('package paths and workspaces', () => {
  it.each(['vpc', 'net/vpc', 'a/b/c'])('accepts %s', (p) => expect(validatePackagePath(p)).toEqual([]));

  it('refuses empty segments, bad segments and overlong paths', () => {
    expect(validatePackagePath('a//b')).toEqual(["must not start or end with '/' or contain '//'"]);
    expect(validatePackagePath('/a')).toHaveLength(1);
    expect(validatePackagePath('a/')).toHaveLength(1);
    expect(validatePackagePath('')).toEqual([LABEL_MSG]);
    expect(validatePackagePath('net/Vpc')).toEqual([`path segment "Vpc": ${LABEL_MSG}`]);
    expect(validatePackagePath('a.b')).toEqual(['must not contain dots']);
    expect(validatePackagePath(`${'a'.repeat(40)}/${'b'.repeat(30)}`)).toEqual(['must be no more than 63 characters']);
  });

  it('stores a path of any length found in git, each segment still a DNS label', () => {
    const long = `${'a'.repeat(60)}/${'b'.repeat(29)}`;
    expect(validateStoredPackagePath(long)).toEqual([]);
    expect(validatePackagePath(long)).toEqual(['must be no more than 63 characters']);
    expect(validateStoredPackagePath(`${'a'.repeat(64)}/b`)).toEqual([
      `path segment "${'a'.repeat(64)}": must be no more than 63 characters`,
    ]);
    expect(validateStoredPackagePath('a//b')).toEqual(["must not start or end with '/' or contain '//'"]);
    expect(validateStoredPackagePath('')).toEqual([LABEL_MSG]);
  });

  it('validates workspaces as DNS labels', () => {
    expect(validateWorkspaceName('v1')).toEqual([]);
    expect(validateWorkspaceName('v1.0')).toEqual(['must not contain dots']);
    expect(validateWorkspaceName('')).toEqual([LABEL_MSG]);
  });
});
