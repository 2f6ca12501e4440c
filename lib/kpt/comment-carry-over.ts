import { isMap, isNode, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';
import type { Files } from './types.js';
import { detectStyle, keepCommentPlacement, scalarText, stringifyDocuments, toLf } from './yaml-text.js';

/** Files Porch treats as KRM resources when it carries comments over (its package reader's rule). */
export const isKrmFile = (path: string) => /\.ya?ml$/.test(path) || path === 'Kptfile' || path.endsWith('/Kptfile');

interface Resource {
  doc: Document;
  /** A ytt template (`#@`/`#!` anywhere in its file): its comments are code, so Porch leaves them alone. */
  template: boolean;
}

/**
 * YAML comment carry-over for a PRR update (docs/porch-semantics.md §6.1, Porch's "heal config"): a resource in `next`
 * with the same apiVersion, kind, namespace and name as one in `previous` (in any file; the same path is looked at
 * first) gets the previous comments wherever it has none of its own. Files where nothing is copied are returned byte
 * for byte, as are files that do not parse and ytt templates (`#@`/`#!`), which Porch also leaves alone.
 */
export function carryOverComments(previous: Files, next: Files): Files {
  // Parsing is the cost: skip files sent back unchanged and old files without a single comment, and read the
  // other old files only when a resource is not found at its own path.
  const changed = Object.keys(next).filter((path) => isKrmFile(path) && next[path] !== previous[path]);
  const donors = new Map(Object.entries(previous).filter(([path, text]) => isKrmFile(path) && text.includes('#')));
  if (changed.length === 0 || donors.size === 0) return { ...next };
  const index = new Map<string, Resource>();
  const read = (path: string) => {
    const text = donors.get(path);
    if (text === undefined) return;
    donors.delete(path);
    for (const resource of resourcesOf(text) ?? []) {
      const id = identity(resource.doc);
      if (id && !index.has(id)) index.set(id, resource);
    }
  };
  const find = (id: string, path: string) => {
    read(path);
    if (!index.has(id)) for (const other of [...donors.keys()]) read(other);
    return index.get(id);
  };
  const result: Files = { ...next };
  for (const path of changed) result[path] = healFile(next[path], (id) => find(id, path));
  return result;
}

function healFile(text: string, find: (id: string) => Resource | undefined): string {
  const resources = resourcesOf(text);
  if (!resources) return text;
  let copied = false;
  for (const resource of resources) {
    const id = identity(resource.doc);
    const source = id ? find(id) : undefined;
    if (!source || source.template || resource.template) continue;
    copied = copyDocumentComments(source.doc, resource.doc) || copied;
  }
  return copied
    ? stringifyDocuments(
        resources.map((r) => r.doc),
        detectStyle(text),
      )
    : text;
}

function resourcesOf(source: string): Resource[] | undefined {
  const text = toLf(source);
  const docs = parseAllDocuments(text);
  if (docs.some((d) => d.errors.length > 0)) return undefined;
  const template = text.includes('#@') || text.includes('#!');
  return docs.map((doc) => ({ doc: keepCommentPlacement(doc, text), template }));
}

function identity(doc: Document): string | undefined {
  const root = doc.contents;
  if (!isMap(root)) return undefined;
  const metadata = root.get('metadata', true);
  const field = (key: string) => (isMap(metadata) ? scalarText(metadata.get(key, true)) : undefined) ?? '';
  const kind = scalarText(root.get('kind', true)) ?? '';
  if (!kind || !field('name')) return undefined;
  return JSON.stringify([scalarText(root.get('apiVersion', true)) ?? '', kind, field('namespace'), field('name')]);
}

function copyDocumentComments(from: Document, to: Document): boolean {
  let copied = false;
  if (!to.commentBefore && from.commentBefore) copied = Boolean((to.commentBefore = from.commentBefore));
  if (!to.comment && from.comment) copied = Boolean((to.comment = from.comment));
  return copyNodeComments(from.contents, to.contents) || copied;
}

/** Copies `commentBefore`/`comment` onto nodes of `to` that have none, walking maps by key and lists by identity. */
function copyNodeComments(from: unknown, to: unknown): boolean {
  if (!isNode(from) || !isNode(to) || kindOf(from) !== kindOf(to)) return false;
  let copied = false;
  if (!to.commentBefore && from.commentBefore) copied = Boolean((to.commentBefore = from.commentBefore));
  if (!to.comment && from.comment) copied = Boolean((to.comment = from.comment));
  if (isMap(from) && isMap(to)) {
    for (const pair of to.items) {
      const key = scalarText(pair.key);
      const match = key === undefined ? undefined : from.items.find((p) => scalarText(p.key) === key);
      if (!match) continue;
      if (sameKind(match.value, pair.value)) copied = copyNodeComments(match.key, pair.key) || copied;
      else if (isNode(pair.key) && !pair.key.commentBefore && isNode(match.key) && match.key.commentBefore) {
        // A key-line comment described the old value's shape; only the comment above the key still applies.
        copied = Boolean((pair.key.commentBefore = match.key.commentBefore));
      }
      copied = copyNodeComments(match.value, pair.value) || copied;
    }
  } else if (isSeq(from) && isSeq(to)) {
    const used = new Set<unknown>();
    for (const item of to.items) {
      const match = from.items.find((candidate) => !used.has(candidate) && sameListItem(candidate, item));
      if (!match) continue;
      used.add(match);
      copied = copyNodeComments(match, item) || copied;
    }
  }
  return copied;
}

const sameKind = (a: unknown, b: unknown) => isNode(a) && isNode(b) && kindOf(a) === kindOf(b);

const kindOf = (node: Node) => (isMap(node) ? 'map' : isSeq(node) ? 'seq' : isScalar(node) ? 'scalar' : 'other');

/** List items correspond when they are equal scalars or mappings with the same `name` (kpt's usual merge key). */
function sameListItem(a: unknown, b: unknown): boolean {
  if (isScalar(a) && isScalar(b)) return scalarText(a) === scalarText(b);
  if (isMap(a) && isMap(b)) {
    const name = scalarText(a.get('name', true));
    return name !== undefined && name === scalarText(b.get('name', true));
  }
  return false;
}
