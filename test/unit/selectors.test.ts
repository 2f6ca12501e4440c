import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../lib/errors.js';
import { parseFieldSelector } from '../../lib/selectors/field-selector.js';
import { parseLabelSelector } from '../../lib/selectors/label-selector.js';
import { decodeContinue, encodeContinue, pageLimit } from '../../lib/storage/pagination.js';
import { latestCondition } from '../../lib/storage/selector-sql.js';

const pr = (text: string) => parseFieldSelector(text, 'packagerevisions');

describe('field selectors', () => {
  it('parses every field of docs/porch-semantics.md §9.1', () => {
    expect(
      pr(
        'metadata.name=r.p.ws,metadata.namespace==ns,spec.repository=r,spec.packageName=a/b,spec.workspaceName=ws,spec.lifecycle=Draft,spec.lifecycle=Proposed,spec.packageMetadata.labels[app]=x',
      ).terms,
    ).toEqual([
      { field: 'metadata.name', value: 'r.p.ws' },
      { field: 'metadata.namespace', value: 'ns' },
      { field: 'spec.repository', value: 'r' },
      { field: 'spec.packageName', value: 'a/b' },
      { field: 'spec.workspaceName', value: 'ws' },
      { field: 'spec.lifecycle', value: 'Draft' },
      { field: 'spec.lifecycle', value: 'Proposed' },
      { field: 'spec.packageMetadata.labels', key: 'app', value: 'x' },
    ]);
  });

  it('reads revisions with an optional v, non-numeric as -1 and 0 as no restriction', () => {
    expect(pr('spec.revision=v3').terms).toEqual([{ field: 'spec.revision', value: 3 }]);
    expect(pr('spec.revision=7').terms).toEqual([{ field: 'spec.revision', value: 7 }]);
    expect(pr('spec.revision=main').terms).toEqual([{ field: 'spec.revision', value: -1 }]);
    expect(pr('spec.revision=0').terms).toEqual([]);
  });

  it('keeps escaped commas and SQL as plain values', () => {
    expect(pr('spec.repository=a\\,b').terms).toEqual([{ field: 'spec.repository', value: 'a,b' }]);
    expect(pr("spec.repository=x' or 1=1 --").terms).toEqual([{ field: 'spec.repository', value: "x' or 1=1 --" }]);
  });

  it.each([
    ['spec.repository!=x', 'unsupported fieldSelector operator "!=" for field "spec.repository"'],
    ['spec.repository=', 'unsupported fieldSelector value "" for field "spec.repository" with operator "="'],
    ['spec.repository==', 'unsupported fieldSelector value "" for field "spec.repository" with operator "="'],
    ['spec.foo=x', '"spec.foo" is not a known field selector'],
    ['spec.lifecycle=Bogus', 'unsupported fieldSelector value "Bogus" for field "spec.lifecycle"'],
    ['spec.packageMetadata.labels[]=x', 'label key cannot be empty in field selector "spec.packageMetadata.labels[]"'],
    ['spec.repository', "invalid selector: 'spec.repository'; can't understand 'spec.repository'"],
  ])('refuses %s with a 400', (text, message) => {
    let err: unknown;
    try {
      pr(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as BadRequestError).message).toBe(message);
    expect((err as BadRequestError).code).toBe(400);
  });

  it('knows which fields each kind has', () => {
    expect(parseFieldSelector('spec.packageName=x,spec.repository=r', 'packages').terms).toHaveLength(2);
    expect(() => parseFieldSelector('spec.lifecycle=Draft', 'packages')).toThrow(
      '"spec.lifecycle" is not a known field selector',
    );
    expect(() => parseFieldSelector('spec.repository=r', 'repositories')).toThrow('is not a known field selector');
    expect(parseFieldSelector('', 'packages').terms).toEqual([]);
  });
});

describe('label selectors', () => {
  it('parses every operator', () => {
    expect(
      parseLabelSelector('a=1, b==2,c!=3,d in (x, y),e notin (z),f,!g,h>4,i<5,kpt.dev/latest-revision').requirements,
    ).toEqual([
      { key: 'a', operator: '=', values: ['1'] },
      { key: 'b', operator: '=', values: ['2'] },
      { key: 'c', operator: '!=', values: ['3'] },
      { key: 'd', operator: 'in', values: ['x', 'y'] },
      { key: 'e', operator: 'notin', values: ['z'] },
      { key: 'f', operator: 'exists', values: [] },
      { key: 'g', operator: '!', values: [] },
      { key: 'h', operator: 'gt', values: ['4'] },
      { key: 'i', operator: 'lt', values: ['5'] },
      { key: 'kpt.dev/latest-revision', operator: 'exists', values: [] },
    ]);
    expect(parseLabelSelector('').requirements).toEqual([]);
    expect(parseLabelSelector('a=').requirements).toEqual([{ key: 'a', operator: '=', values: [''] }]);
  });

  it.each([
    ["a=x' or '1'='1", /unable to parse requirement/],
    ['a in (x', /found end of string, expected: ',' or '\)'/],
    ['a b', /found 'b', expected/],
    ['a>x', /the value must be an integer/],
    ['-a=1', /key: Invalid value: "-a"/],
    ['a=-x', /values\[0\]\[a\]: Invalid value: "-x"/],
    ['/a=1', /prefix part must be non-empty/],
    ['a,', /found end of string, expected: identifier/],
  ])('refuses %s with a 400 naming the problem', (text, message) => {
    expect(() => parseLabelSelector(text)).toThrow(BadRequestError);
    expect(() => parseLabelSelector(text)).toThrow(message);
  });

  it('maps kpt.dev/latest-revision to the latest flag as docs/porch-semantics.md §9.2 says', () => {
    const cond = (text: string) => latestCondition(parseLabelSelector(text).requirements[0]!);
    expect(cond('kpt.dev/latest-revision=true')).toBe('latest');
    expect(cond('kpt.dev/latest-revision in (true)')).toBe('latest');
    expect(cond('kpt.dev/latest-revision')).toBe('latest');
    expect(cond('kpt.dev/latest-revision!=true')).toBe('not latest');
    expect(cond('kpt.dev/latest-revision=false')).toBe('not latest');
    expect(cond('kpt.dev/latest-revision notin (true)')).toBe('not latest');
    expect(cond('!kpt.dev/latest-revision')).toBe('not latest');
  });
});

describe('pagination tokens', () => {
  it('round-trips keys and refuses tokens it did not make', () => {
    const token = encodeContinue({ namespace: 'ns', name: 'repo.pkg.ws' });
    expect(decodeContinue(token)).toEqual({ namespace: 'ns', name: 'repo.pkg.ws' });
    for (const bad of [
      '',
      '!!!',
      Buffer.from('{"a":1}').toString('base64url'),
      Buffer.from('not json').toString('base64url'),
    ]) {
      expect(() => decodeContinue(bad)).toThrow(BadRequestError);
    }
  });

  it('clamps limits to 1…500', () => {
    expect(pageLimit(undefined)).toBe(500);
    expect(pageLimit(0)).toBe(500);
    expect(pageLimit(10)).toBe(10);
    expect(pageLimit(10_000)).toBe(500);
  });
});
