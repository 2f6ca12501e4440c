import { describe, expect, it } from 'vitest';
import { parseListParams, isWatchRequest } from '../../lib/contract/list-params.js';
import { humanDuration, toTable, wantsTable } from '../../lib/contract/table.js';

describe('parseListParams', () => {
  it('defaults and caps the limit at 500', () => {
    expect(parseListParams({})).toEqual({ limit: 500, maxBytes: 4 * 1024 * 1024 });
    expect(parseListParams({ limit: '0' }).limit).toBe(500);
    expect(parseListParams({ limit: '7', continue: 'tok', fieldSelector: 'a=b', labelSelector: 'x' })).toEqual({
      limit: 7,
      continue: 'tok',
      fieldSelector: 'a=b',
      labelSelector: 'x',
      maxBytes: 4 * 1024 * 1024,
    });
    expect(parseListParams({ limit: '100000' }).limit).toBe(500);
  });

  it('refuses bad limits with 400', () => {
    expect(() => parseListParams({ limit: '-1' })).toThrow(/non-negative integer/);
    expect(() => parseListParams({ limit: '1; drop table x' })).toThrow(expect.objectContaining({ code: 400 }));
  });

  it('tells a watch from a list as Kubernetes reads the parameter', () => {
    expect(isWatchRequest({ watch: 'true' })).toBe(true);
    expect(isWatchRequest({ watch: '1' })).toBe(true);
    expect(isWatchRequest({ watch: 'false' })).toBe(false);
    expect(isWatchRequest({})).toBe(false);
  });
});

describe('tables', () => {
  it('recognises the Accept header kubectl sends', () => {
    expect(
      wantsTable(
        'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
      ),
    ).toBe(true);
    expect(wantsTable('application/json')).toBe(false);
    expect(wantsTable(undefined)).toBe(false);
  });

  it('renders ages as kubectl does', () => {
    const s = 1000;
    expect(humanDuration(45 * s)).toBe('45s');
    expect(humanDuration(310 * s)).toBe('5m10s');
    expect(humanDuration(3 * 3600 * s)).toBe('3h');
    expect(humanDuration(30 * 3600 * s)).toBe('30h');
    expect(humanDuration(52 * 3600 * s)).toBe('2d4h');
    expect(humanDuration(90 * 86400 * s)).toBe('90d');
  });

  it('builds rows with partial object metadata', () => {
    const items = [{ metadata: { name: 'a', namespace: 'n' }, spec: { x: 1 } }];
    const t = toTable(
      [
        { name: 'Name', type: 'string', cell: (i) => i.metadata.name },
        { name: 'X', type: 'integer', cell: (i) => i.spec.x },
      ],
      items,
      { continue: 'c' },
    );
    expect(t).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { continue: 'c' } });
    expect(t.columnDefinitions[0]).toMatchObject({ name: 'Name', format: 'name', priority: 0 });
    expect(t.rows[0]).toEqual({
      cells: ['a', 1],
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'a', namespace: 'n' } },
    });
  });
});
