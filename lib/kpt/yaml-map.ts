import { isMap, isScalar, isSeq, Pair, Scalar, YAMLMap, YAMLSeq, type Document } from 'yaml';
import { scalarText } from './yaml-text.js';

/** Key order of the Go structs kpt serialises, so keys we add land where kpt would put them. */
export const KEY_ORDER = {
  root: ['apiVersion', 'kind', 'metadata', 'upstream', 'upstreamLock', 'info', 'pipeline', 'inventory', 'status'],
  metadata: ['name', 'namespace', 'labels', 'annotations'],
  info: ['site', 'emails', 'license', 'licenseFile', 'description', 'keywords', 'man', 'readinessGates'],
  upstream: ['type', 'git', 'updateStrategy'],
  git: ['repo', 'directory', 'ref', 'commit'],
  status: ['conditions', 'renderStatus'],
  condition: ['type', 'status', 'reason', 'message'],
} as const;

/** Sets `key` to `value`, keeping the pair (and its comments) when the key exists, else inserting it in `order`. */
export function setOrdered(map: YAMLMap, key: string, value: unknown, order: readonly string[]): void {
  const existing = map.items.find((p) => scalarText(p.key) === key);
  if (existing) {
    existing.value = value;
    return;
  }
  const rank = order.indexOf(key);
  const at = rank < 0 ? -1 : map.items.findIndex((p) => order.indexOf(scalarText(p.key) ?? '') > rank);
  const pair = new Pair(new Scalar(key), value);
  if (at < 0) map.items.push(pair);
  else map.items.splice(at, 0, pair);
}

/** Sets a string value; an existing scalar is updated in place so its comments and quoting survive. */
export function setString(map: YAMLMap, key: string, value: string, order: readonly string[]): void {
  const node = map.get(key, true);
  if (isScalar(node)) {
    if (scalarText(node) !== value) node.value = value;
    return;
  }
  setOrdered(map, key, new Scalar(value), order);
}

/** The mapping at `key`, created (in kpt's order) when absent or not a mapping. */
export function ensureMap(doc: Document, map: YAMLMap, key: string, order: readonly string[]): YAMLMap {
  const node = map.get(key, true);
  if (isMap(node)) return node;
  const created = new YAMLMap(doc.schema);
  setOrdered(map, key, created, order);
  return created;
}

/** The sequence at `key`, created (in kpt's order) when absent or not a sequence. */
export function ensureSeq(doc: Document, map: YAMLMap, key: string, order: readonly string[]): YAMLSeq {
  const node = map.get(key, true);
  if (isSeq(node)) return node;
  const created = new YAMLSeq(doc.schema);
  setOrdered(map, key, created, order);
  return created;
}

/** Removes `key` from `parent[parentKey]`, then the parent mapping itself when nothing is left in it. */
export function deleteAndPrune(root: YAMLMap, parentKey: string, key: string): void {
  const parent = root.get(parentKey, true);
  if (!isMap(parent)) return;
  parent.delete(key);
  if (parent.items.length === 0) root.delete(parentKey);
}

/**
 * Makes a string→string mapping equal `desired` (`replace`) or upserts into it (`merge`), keeping the nodes,
 * comments and order of the keys that stay.
 */
export function syncStringMap(map: YAMLMap, desired: Record<string, string>, mode: 'replace' | 'merge'): void {
  if (mode === 'replace') map.items = map.items.filter((p) => Object.hasOwn(desired, scalarText(p.key) ?? ''));
  for (const [key, value] of Object.entries(desired)) setString(map, key, value, []);
}
