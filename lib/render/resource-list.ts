/**
 * The ResourceList wire format of external functions (docs/render.md): items carry their file path and index as
 * kpt's annotations (`internal.config.kubernetes.io/*` and the legacy `config.kubernetes.io/*`), relative to the
 * package whose pipeline runs; the answer's annotations give each item's new place and are then removed.
 */
import { Document, isMap, isSeq, parseDocument, YAMLMap, type Node } from 'yaml';
import { describeYamlError } from '../kpt/yaml-text.js';
import { pipelineError } from './errors.js';
import type { KrmItem, ResultItem, Severity } from './types.js';

export const PATH_ANNOTATIONS = ['internal.config.kubernetes.io/path', 'config.kubernetes.io/path'];
export const INDEX_ANNOTATIONS = ['internal.config.kubernetes.io/index', 'config.kubernetes.io/index'];
const ID_ANNOTATION = 'config.k8s.io/id';

const relative = (dir: string, path: string) => (dir ? path.slice(dir.length + 1) : path);

function annotate(node: Node, item: KrmItem, dir: string): Node {
  const copy = node.clone() as YAMLMap;
  if (item.path === undefined) return copy;
  const values = [relative(dir, item.path), String(item.index ?? 0)];
  const meta = (copy.get('metadata', true) as YAMLMap | undefined) ?? new YAMLMap();
  if (!copy.has('metadata')) copy.set('metadata', meta);
  const annotations = (meta.get('annotations', true) as YAMLMap | undefined) ?? new YAMLMap();
  if (!meta.has('annotations')) meta.set('annotations', annotations);
  [PATH_ANNOTATIONS, INDEX_ANNOTATIONS].forEach((keys, i) => {
    for (const key of keys) annotations.set(key, values[i]);
  });
  return copy;
}

/** The ResourceList text sent to an external function. */
export function writeResourceList(items: KrmItem[], functionConfig: Document | undefined, dir: string): string {
  const doc = new Document({ apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList', items: [] });
  const seq = doc.get('items', true) as { items: Node[] };
  seq.items = items.map((item) => annotate(item.doc.contents as Node, item, dir));
  if (functionConfig?.contents) doc.set('functionConfig', functionConfig.contents);
  return doc.toString({ lineWidth: 0 });
}

/** Takes kpt's path/index annotations off an item (both spellings) and returns them; empty metadata maps go too. */
export function takePlacement(doc: Document): { path?: string; index?: number } {
  const annotations = doc.getIn(['metadata', 'annotations'], true);
  if (!isMap(annotations)) return {};
  const read = (keys: string[]) => keys.map((k) => annotations.get(k)).find((v) => v !== undefined && v !== null);
  const path = read(PATH_ANNOTATIONS);
  const index = read(INDEX_ANNOTATIONS);
  for (const key of [...PATH_ANNOTATIONS, ...INDEX_ANNOTATIONS, ID_ANNOTATION]) annotations.delete(key);
  if (annotations.items.length === 0) (doc.getIn(['metadata'], true) as YAMLMap).delete('annotations');
  return {
    ...(path !== undefined ? { path: String(path) } : {}),
    ...(index !== undefined && Number.isInteger(Number(index)) ? { index: Number(index) } : {}),
  };
}

const SEVERITIES: Severity[] = ['error', 'warning', 'info'];

function readResults(node: unknown): ResultItem[] {
  if (!Array.isArray(node)) return [];
  return node
    .filter((r) => r && typeof r === 'object')
    .map((r) => {
      const { message, severity, resourceRef, field, file, tags } = r as Record<string, unknown>;
      return {
        message: String(message ?? ''),
        ...(SEVERITIES.includes(severity as Severity) ? { severity: severity as Severity } : {}),
        ...(resourceRef && typeof resourceRef === 'object' ? { resourceRef } : {}),
        ...(field && typeof field === 'object' ? { field } : {}),
        ...(file && typeof file === 'object' ? { file } : {}),
        ...(tags && typeof tags === 'object' ? { tags } : {}),
      } as ResultItem;
    });
}

/** Items and results of a function's answer; item paths are still relative to the package `dir`. */
export function readResourceList(text: string, image: string): { items: KrmItem[]; results: ResultItem[] } {
  const doc = parseDocument(text);
  if (doc.errors.length || !isMap(doc.contents)) {
    const why = doc.errors.length ? describeYamlError(doc.errors[0]!.message) : 'not a mapping';
    throw pipelineError(`function "${image}" answered with an unreadable ResourceList: ${why}`);
  }
  const itemsNode = doc.get('items', true);
  const items = (isSeq(itemsNode) ? itemsNode.items : []).map((node, i) => {
    if (!isMap(node)) throw pipelineError(`function "${image}" answered with items[${i}] that is not a mapping`);
    const itemDoc = new Document();
    itemDoc.contents = node as YAMLMap;
    return { doc: itemDoc, ...takePlacement(itemDoc) };
  });
  const results = doc.get('results', true);
  return { items, results: readResults(isSeq(results) ? results.toJSON() : undefined) };
}
