import { isAlias, isCollection, isMap, isScalar, isSeq, parseAllDocuments, parseDocument, visit } from 'yaml';
import type { Document, Node } from 'yaml';

/** How a YAML text is laid out, so an edited text keeps the author's line endings and indentation. */
export interface TextStyle {
  bom: boolean;
  crlf: boolean;
  indent: number;
  /** `true`: `- item` indented below its key; `false`: kpt's compact style, `- item` level with the key. */
  indentSeq: boolean;
  finalNewline: boolean;
}

const keyOnlyLine = /^( *)(?:"[^"]*"|'[^']*'|[^\s#'"-][^#]*?)\s*:\s*(?:#.*)?$/;

/** Reads line endings, mapping indentation and sequence style from the text (defaults: LF, 2, compact). */
export function detectStyle(text: string): TextStyle {
  const lines = text.split(/\r?\n/);
  let indent = 0;
  let indentSeq: boolean | undefined;
  for (let i = 0; i < lines.length && (indent === 0 || indentSeq === undefined); i++) {
    const parent = keyOnlyLine.exec(lines[i]);
    if (!parent) continue;
    const next = lines.slice(i + 1).find((l) => l.trim() !== '' && !l.trim().startsWith('#'));
    if (next === undefined) break;
    const depth = next.length - next.trimStart().length - parent[1].length;
    if (next.trimStart().startsWith('- ') || next.trim() === '-') {
      indentSeq ??= depth > 0;
    } else if (depth > 0 && indent === 0) {
      indent = depth;
    }
  }
  return {
    bom: text.startsWith('\uFEFF'),
    crlf: text.includes('\r\n'),
    indent: indent || 2,
    indentSeq: indentSeq ?? false,
    finalNewline: text === '' || text.endsWith('\n'),
  };
}

/** The `yaml` package keeps the `\r` of CRLF inside comments; parse LF text and restore CRLF when writing. */
export const toLf = (text: string) => text.replace(/\r\n/g, '\n');

/** First line of a `yaml` parse error, without the source excerpt it appends. */
export const describeYamlError = (message: string) => message.split(':\n')[0];

export type Parsed = { doc: Document; error?: undefined } | { doc?: undefined; error: string };

/** Parses a single-document YAML text (CRLF or LF); returns the document or the first problem found. */
export function parseSingleDocument(source: string): Parsed {
  const text = toLf(source);
  const docs = parseAllDocuments(text);
  if (docs.length > 1) return { error: `expected one YAML document, found ${docs.length}` };
  const doc = docs[0] ?? parseDocument(text);
  const problem = doc.errors[0];
  if (problem) return { error: describeYamlError(problem.message) };
  return { doc: keepCommentPlacement(doc, text) };
}

/**
 * The `yaml` package moves a comment written after `key:` (whose value is a block collection) onto its own line
 * inside the collection, and puts a blank line before a trailing comment. Undo both where the source had neither,
 * so an edit does not move comments around.
 */
export function keepCommentPlacement(doc: Document, text: string): Document {
  visit(doc, {
    Pair(_, pair) {
      const value = pair.value;
      if (!isScalar(pair.key) || !isCollection(value) || !value.commentBefore || !pair.key.range) return;
      const end = pair.key.range[1];
      const newline = text.indexOf('\n', end);
      const rest = text.slice(end, newline < 0 ? undefined : newline).replace(/\r$/, '');
      const onKeyLine = /^\s*:\s*#(.*)$/.exec(rest)?.[1];
      const [first, ...others] = value.commentBefore.split('\n');
      if (onKeyLine === undefined || first !== onKeyLine) return;
      pair.key.comment = first;
      value.commentBefore = others.length ? others.join('\n') : undefined;
    },
  });
  const [start, , stop] = doc.range ?? [0, 0, text.length];
  const lines = text.slice(start, stop).trimEnd().split(/\r?\n/);
  let i = lines.length - 1;
  while (i >= 0 && lines[i].trim().startsWith('#')) i--;
  const blankBefore = i >= 0 && lines[i].trim() === '';
  if (doc.comment && !blankBefore && (isMap(doc.contents) || isSeq(doc.contents)) && !doc.contents.comment) {
    doc.contents.comment = doc.comment;
    doc.comment = null;
  }
  return doc;
}

/**
 * Replaces every alias (`*name`) with a copy of the node it points to, so readers see plain values and an edit of
 * one place cannot silently change another. Anchors then refer to nothing and are dropped; documents without
 * aliases are left as they are.
 */
export function expandAliases(doc: Document): Document {
  let aliased = false;
  visit(doc, { Alias: () => void (aliased = true) });
  if (!aliased) return doc;
  visit(doc, {
    Alias(_, alias) {
      const target = alias.resolve(doc);
      return target ? (target.clone() as Node) : undefined;
    },
  });
  visit(doc, {
    Node(_, node) {
      if (!isAlias(node) && node.anchor) delete node.anchor;
    },
  });
  return doc;
}

/** Serialises documents back in the given style; documents after the first keep their `---` marker. */
export function stringifyDocuments(docs: Document[], style: TextStyle): string {
  let text = docs
    .map((doc, i) => {
      if (i > 0) doc.directives!.docStart = true;
      return doc.toString({ indent: style.indent, indentSeq: style.indentSeq, lineWidth: 0, minContentWidth: 0 });
    })
    .join('');
  if (!style.finalNewline) text = text.replace(/\n$/, '');
  if (style.crlf) text = text.replace(/\r?\n/g, '\r\n');
  return style.bom && !text.startsWith('\uFEFF') ? `\uFEFF${text}` : text;
}

/** Text of a scalar as Go's YAML decoder would put it in a string field (`1.0` stays `1.0`, `~` becomes ""). */
export function scalarText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  if (typeof node.value === 'string') return node.value;
  if (node.value === null) return '';
  return typeof node.source === 'string' ? node.source : String(node.value);
}
