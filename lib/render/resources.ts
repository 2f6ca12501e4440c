/** Reading a package's KRM files into items and writing items back into files (docs/render.md). */
import { isMap, parseAllDocuments, type Document } from 'yaml';
import type { Files } from '../kpt/types.js';
import {
  describeYamlError,
  detectStyle,
  keepCommentPlacement,
  scalarText,
  stringifyDocuments,
  toLf,
} from '../kpt/yaml-text.js';
import { pipelineError } from './errors.js';
import type { KrmItem } from './types.js';

/** Top-level string field of a resource (`apiVersion`, `kind`) or of its metadata (`name`, `namespace`). */
export function field(doc: Document, ...path: string[]): string | undefined {
  return scalarText(doc.getIn(path, true));
}

/** The items of one file; throws a pipeline error for a document that is not a KRM resource (kpt's rule). */
export function readItems(path: string, text: string): KrmItem[] {
  const source = toLf(text);
  const docs = parseAllDocuments(source, { keepSourceTokens: false });
  const items: KrmItem[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length) throw pipelineError(`failed to parse ${path}: ${describeYamlError(doc.errors[0]!.message)}`);
    if (doc.contents === null) continue;
    if (!isMap(doc.contents)) throw pipelineError(`${path}: a resource must be a YAML mapping`);
    for (const key of ['apiVersion', 'kind'] as const) {
      if (!field(doc, key)) {
        throw pipelineError(
          `input resource list must contain only KRM resources: ${path}: resource must have \`${key}\``,
        );
      }
    }
    items.push({ doc: keepCommentPlacement(doc, source), path, index: items.length });
  }
  return items;
}

/** Default file of a resource a function created without a path: `<kind>_<name>.yaml` in the package. */
export function defaultPath(item: KrmItem, packageDir: string): string {
  const file = `${(field(item.doc, 'kind') ?? 'resource').toLowerCase()}_${field(item.doc, 'metadata', 'name') ?? ''}.yaml`;
  return packageDir ? `${packageDir}/${file}` : file;
}

/**
 * Writes the rendered items over the input files: each KRM file read is rewritten from its items in index order, a
 * file left without items is deleted, new paths become files. A file whose text would only be reformatted keeps its
 * original bytes.
 */
export function writeItems(input: Files, readPaths: string[], items: KrmItem[], baseline: Map<string, string>): Files {
  const out: Files = { ...input };
  for (const path of readPaths) delete out[path];
  const byPath = new Map<string, KrmItem[]>();
  for (const item of items) {
    const list = byPath.get(item.path!) ?? [];
    list.push(item);
    byPath.set(item.path!, list);
  }
  for (const [path, list] of byPath) {
    const sorted = list
      .map((item, order) => ({ item, order }))
      .sort((a, b) => (a.item.index ?? Infinity) - (b.item.index ?? Infinity) || a.order - b.order)
      .map((e) => e.item.doc);
    const original = input[path];
    const text = stringifyDocuments(sorted, detectStyle(original ?? ''));
    out[path] = original !== undefined && baseline.get(path) === text ? original : text;
  }
  return out;
}

/** The text each file would have if rewritten untouched (before any function runs), to tell changes from reformatting. */
export function baselineTexts(input: Files, items: KrmItem[]): Map<string, string> {
  const byPath = new Map<string, Document[]>();
  for (const item of items) byPath.set(item.path!, [...(byPath.get(item.path!) ?? []), item.doc]);
  const out = new Map<string, string>();
  for (const [path, docs] of byPath) out.set(path, stringifyDocuments(docs, detectStyle(input[path] ?? '')));
  return out;
}
