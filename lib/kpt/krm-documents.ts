/** KRM resources of a file set as YAML documents, for the clone and upgrade steps that edit them in place. */
import { isMap, parseAllDocuments, type Document } from 'yaml';
import type { Files } from './types.js';
import { detectStyle, keepCommentPlacement, scalarText, stringifyDocuments, toLf } from './yaml-text.js';

/** YAML files other than Kptfiles, as kpt's package reader picks them for merge keys and merges. */
export const isResourceFile = (path: string) =>
  /\.ya?ml$/.test(path) && !path.split('/').some((part) => part.startsWith('.'));

/** The documents of a file when every one is a KRM resource (a mapping with apiVersion and kind), else undefined. */
export function readResources(text: string): Document[] | undefined {
  const source = toLf(text);
  const docs = parseAllDocuments(source);
  if (!Array.isArray(docs)) return undefined;
  const out: Document[] = [];
  for (const doc of docs) {
    if (doc.errors.length) return undefined;
    if (doc.contents === null) continue;
    if (!isMap(doc.contents) || !scalarText(doc.get('apiVersion', true)) || !scalarText(doc.get('kind', true))) {
      return undefined;
    }
    out.push(keepCommentPlacement(doc, source));
  }
  return out;
}

/** Writes documents back in the style of the file they came from. */
export const writeResources = (docs: Document[], original: string) => stringifyDocuments(docs, detectStyle(original));

/** Applies `edit` to every resource of every YAML resource file; files it does not change keep their bytes. */
export function editResources(files: Files, edit: (doc: Document) => boolean): Files {
  const out: Files = { ...files };
  for (const [path, text] of Object.entries(files)) {
    if (!isResourceFile(path)) continue;
    const docs = readResources(text);
    if (!docs) continue;
    let changed = false;
    for (const doc of docs) changed = edit(doc) || changed;
    if (changed) out[path] = writeResources(docs, text);
  }
  return out;
}
