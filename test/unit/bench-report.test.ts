import { afterEach, describe, expect, it, vi } from 'vitest';
import { check, finish } from '../bench/report.js';

afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

describe('the benchmark reporter', () => {
  it('marks each measure ok or MISS against its target and fails the run on any MISS', () => {
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    expect(check('GET ÷ raw', 2.5, { max: 3 })).toBe(true);
    expect(check('list ÷ raw', 3.01, { max: 3 })).toBe(false);
    expect(check('no value', Number.NaN, { max: 3 })).toBe(false);
    expect(printed[0]).toMatch(/GET ÷ raw\s+2\.50\s+ok\s+target ≤ 3$/);
    expect(printed[1]).toMatch(/list ÷ raw\s+3\.01\s+MISS\s+target ≤ 3$/);
    expect(finish()).toBe(2);
    expect(process.exitCode).toBe(1);
    expect(printed.at(-1)).toContain('2 of 3 targets MISSED: list ÷ raw; no value');
  });
});
