import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  detectStyle,
  expandAliases,
  parseSingleDocument,
  scalarText,
  stringifyDocuments,
} from '../../../lib/kpt/yaml-text.js';

describe('detectStyle', () => {
  it.each([
    ['a:\n  b: 1\nl:\n- x\n', { indent: 2, indentSeq: false, crlf: false, bom: false, finalNewline: true }],
    ['a:\n    b: 1\nl:\n    - x\n', { indent: 4, indentSeq: true }],
    ['l: # list\n  - x\na:\n   b: 1', { indent: 3, indentSeq: true, finalNewline: false }],
    ['a:\r\n  b: 1\r\n', { crlf: true }],
    ['\uFEFFa: 1\n', { bom: true }],
    ['"quoted key":\n  # comment first\n\n  - x\n', { indentSeq: true }],
    ['', { indent: 2, indentSeq: false, finalNewline: true }],
    ['a: 1', { indent: 2, indentSeq: false, finalNewline: false }],
  ])('%j', (text, expected) => {
    expect(detectStyle(text)).toMatchObject(expected);
  });
});

describe('parseSingleDocument', () => {
  it('gives the first error as one line with its position', () => {
    expect(parseSingleDocument('a: "unterminated\n').error).toMatch(/^Missing closing "quote at line \d+, column \d+$/);
    expect(parseSingleDocument('a: "unterminated\n').error).not.toContain('\n');
  });

  it('counts documents', () => {
    expect(parseSingleDocument('a: 1\n---\nb: 2\n---\nc: 3\n').error).toBe('expected one YAML document, found 3');
    expect(parseSingleDocument('').doc?.contents).toBeNull();
  });
});

describe('scalarText', () => {
  it('reads scalars as Go would put them in a string field', () => {
    const doc = parseDocument('a: 1.50\nb: 0x1F\nc: ~\nd: true\ne: "q"\nf:\ng: [1]\n');
    const at = (k: string) => scalarText(doc.get(k, true));
    expect([at('a'), at('b'), at('c'), at('d'), at('e'), at('f'), at('g')]).toEqual([
      '1.50',
      '0x1F',
      '',
      'true',
      'q',
      '',
      undefined,
    ]);
  });
});

describe('expandAliases', () => {
  it('replaces aliases with copies and drops the anchors', () => {
    const doc = expandAliases(parseDocument('a: &x {k: v}\nb: *x\n'));
    expect(doc.toString()).toBe('a: { k: v }\nb: { k: v }\n');
  });

  it('leaves documents without aliases untouched, anchors included', () => {
    expect(expandAliases(parseDocument('a: &x 1\n')).toString()).toBe('a: &x 1\n');
  });
});

describe('stringifyDocuments', () => {
  it('writes every document with its marker, in the given style', () => {
    const docs = [parseDocument('a:\n- 1\n'), parseDocument('b: 2\n')];
    const style = { bom: false, crlf: true, indent: 4, indentSeq: true, finalNewline: false };
    expect(stringifyDocuments(docs, style)).toBe('a:\r\n    - 1\r\n---\r\nb: 2');
  });
});
