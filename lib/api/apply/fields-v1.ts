/** FieldsV1, the wire form of a field set in metadata.managedFields, and Kubernetes' printing of a path. */
import { FieldSet, type FieldPath } from './field-set.js';

import { defineKey, isMap, type Json, type JsonMap } from './json.js';

/** Kubernetes' text for a path: `.spec.lifecycle`, `.metadata.labels.app`, `[0]`, `[name="x"]`. */
export function pathText(path: FieldPath): string {
  return path
    .map((key) => {
      if (key.startsWith('f:')) return `.${key.slice(2)}`;
      if (key.startsWith('i:')) return `[${key.slice(2)}]`;
      if (key.startsWith('v:')) return `[=${key.slice(2)}]`;
      if (key.startsWith('k:')) {
        try {
          const entries = Object.entries(JSON.parse(key.slice(2)) as JsonMap);
          return `[${entries.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
        } catch {
          return `[${key.slice(2)}]`;
        }
      }
      return `.${key}`;
    })
    .join('');
}

/** A set as a FieldsV1 tree: `{"f:spec": {"f:lifecycle": {}}}`; `.` marks a member that also has children. */
export function toFieldsV1(set: FieldSet): JsonMap {
  const root: JsonMap = {};
  for (const path of set) {
    let node = root;
    for (const key of path) {
      if (!isMap(node[key])) defineKey(node, key, {});
      node = node[key] as JsonMap;
    }
  }
  const mark = (node: JsonMap, path: FieldPath) => {
    for (const [key, child] of Object.entries(node)) {
      if (key === '.' || !isMap(child)) continue;
      const at = [...path, key];
      if (set.has(at) && Object.keys(child).length > 0 && !('.' in child)) child['.'] = {};
      mark(child, at);
    }
  };
  mark(root, []);
  return root;
}

/** The set a FieldsV1 tree holds; anything that is not a tree of objects holds nothing. */
export function fromFieldsV1(tree: Json): FieldSet {
  const set = new FieldSet();
  const walk = (node: JsonMap, path: FieldPath) => {
    for (const [key, child] of Object.entries(node)) {
      if (key === '.') {
        if (path.length > 0) set.add(path);
        continue;
      }
      if (!isMap(child)) continue;
      const at = [...path, key];
      if (Object.keys(child).length === 0) set.add(at);
      else walk(child, at);
    }
  };
  if (isMap(tree)) walk(tree, []);
  return set;
}
