import { describe, expect, it } from 'vitest';
import { lruMemo } from '../../../lib/kpt/lru-memo.js';

describe('lruMemo', () => {
  it('computes once per key, evicts the least recently used, and hands out copies', () => {
    const calls: string[] = [];
    const memo = lruMemo((k: string) => {
      calls.push(k);
      return { k, list: [k] };
    }, 2);
    const first = memo('a');
    first.list.push('mutated');
    expect(memo('a')).toEqual({ k: 'a', list: ['a'] });
    memo('b');
    memo('a');
    memo('c');
    memo('a');
    memo('b');
    expect(calls).toEqual(['a', 'b', 'c', 'b']);
  });

  it('does not cache errors or very long keys', () => {
    let n = 0;
    const memo = lruMemo(
      (k: string) => {
        n++;
        if (k === 'bad') throw new Error('bad');
        return n;
      },
      4,
      3,
    );
    expect(() => memo('bad')).toThrow('bad');
    expect(() => memo('bad')).toThrow('bad');
    memo('long');
    memo('long');
    expect(n).toBe(4);
  });
});
