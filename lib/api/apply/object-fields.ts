/**
 * The fields an object sets, and the merge, comparison and removal of fields, as Kubernetes' field manager does them
 * (docs/dry-run-and-apply.md), pure. An object sets leaves: scalars, atomic lists, empty maps, and the items of the
 * two lists ObjectMeta merges item by item. Maps are granular: each key is its own field.
 */
import { FieldSet, type FieldPath } from './field-set.js';
import { defineKey, isMap, type Json, type JsonMap } from './json.js';

/** Fields a server sets, which no manager owns (Kubernetes strips the same list, plus status, which is ours). */
const SERVER_OWNED = ['apiVersion', 'kind', 'status'];
const SERVER_OWNED_META = [
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'creationTimestamp',
  'deletionTimestamp',
  'generation',
  'managedFields',
  'selfLink',
];

/**
 * The lists Kubernetes merges item by item: finalizers as a set, ownerReferences keyed by uid. Every other list is
 * atomic: one field, replaced whole.
 */
const ITEM_KEYS: Record<string, string | null> = {
  [JSON.stringify(['f:metadata', 'f:finalizers'])]: null,
  [JSON.stringify(['f:metadata', 'f:ownerReferences'])]: 'uid',
};

/** The item key of a list at `path` (null for a set), or undefined when the list is atomic. */
const itemKeyAt = (path: FieldPath) => ITEM_KEYS[JSON.stringify(path)];

/** The path element of one item: `v:"name"` in a set, `k:{"uid":"…"}` in a keyed list. */
function itemElement(key: string | null, item: Json): string {
  if (key === null) return `v:${JSON.stringify(item)}`;
  return `k:${JSON.stringify({ [key]: isMap(item) ? item[key] : undefined })}`;
}

/** The item of `list` a `v:` or `k:` element names. */
function findItem(list: Json[], element: string): Json {
  let key: string | null = null;
  if (element.startsWith('k:')) {
    try {
      key = Object.keys(JSON.parse(element.slice(2)) as JsonMap)[0] ?? null;
    } catch {
      return undefined; // a malformed key (from a client's managedFields) names no item
    }
  }
  return list.find((item) => itemElement(key, item) === element);
}

/** The object without server-owned fields and without nulls (a null sets nothing). */
export function userFields(obj: Json): JsonMap {
  const copy = withoutNulls(isMap(obj) ? obj : {}) as JsonMap;
  for (const key of SERVER_OWNED) delete copy[key];
  if (isMap(copy.metadata)) {
    const meta = { ...copy.metadata };
    for (const key of SERVER_OWNED_META) delete meta[key];
    if (Object.keys(meta).length > 0) copy.metadata = meta;
    else delete copy.metadata;
  }
  return copy;
}

/** A copy without null values: in an applied configuration a null sets nothing. */
export function withoutNulls(value: Json): Json {
  if (!isMap(value)) return value;
  const out: JsonMap = {};
  for (const [key, v] of Object.entries(value)) if (v !== null) defineKey(out, key, withoutNulls(v));
  return out;
}

/** Every leaf path of an object's user fields. */
export function fieldSetOf(obj: Json): FieldSet {
  const set = new FieldSet();
  const walk = (value: JsonMap, path: FieldPath) => {
    for (const [key, v] of Object.entries(value)) {
      const at = [...path, `f:${key}`];
      const itemKey = itemKeyAt(at);
      if (isMap(v) && Object.keys(v).length > 0) walk(v, at);
      else if (itemKey !== undefined && Array.isArray(v))
        for (const item of v) set.add([...at, itemElement(itemKey, item)]);
      else set.add(at);
    }
  };
  walk(userFields(obj), []);
  return set;
}

/** The value at a path, or undefined. */
export function valueAt(obj: Json, path: FieldPath): Json {
  let cur: Json = obj;
  for (const element of path) {
    if (element.startsWith('f:') && isMap(cur)) cur = cur[element.slice(2)];
    else if (Array.isArray(cur) && (element.startsWith('v:') || element.startsWith('k:'))) cur = findItem(cur, element);
    else return undefined;
  }
  return cur;
}

const sameValue = (a: Json, b: Json) => JSON.stringify(a) === JSON.stringify(b);

/** What changed between two versions of an object, as Kubernetes' field manager compares them. */
export function compareFields(before: Json, after: Json) {
  const old = fieldSetOf(before);
  const next = fieldSetOf(after);
  const modified = new FieldSet(
    [...old.intersect(next)].filter((p) => !sameValue(valueAt(before, p), valueAt(after, p))),
  );
  return { added: next.minus(old), removed: old.minus(next), modified };
}

/** Items of `base` (replaced by the config's item of the same key) followed by the config's new items. */
function mergeItems(key: string | null, base: Json, config: Json[]): Json[] {
  const configured = new Map(config.map((item) => [itemElement(key, item), item]));
  const kept = (Array.isArray(base) ? base : []).map((item) => {
    const element = itemElement(key, item);
    const replacement = configured.get(element);
    configured.delete(element);
    return replacement ?? item;
  });
  return [...kept, ...configured.values()];
}

/** A deep copy of `base` with `config` merged in: maps key by key, item lists by item, everything else replaced. */
export function mergeFields(base: Json, config: Json, path: FieldPath = []): Json {
  const itemKey = itemKeyAt(path);
  if (itemKey !== undefined && Array.isArray(config)) return mergeItems(itemKey, base, config);
  if (!isMap(config)) return config;
  const out: JsonMap = isMap(base) ? { ...base } : {};
  for (const [key, value] of Object.entries(config))
    defineKey(out, key, mergeFields(out[key], value, [...path, `f:${key}`]));
  return out;
}

/** A copy of the object without the field or list item at `path` (parents are kept). */
export function removeField(obj: Json, path: FieldPath): Json {
  const [first, ...rest] = path;
  if (first === undefined) return obj;
  if (Array.isArray(obj) && rest.length === 0) {
    const gone = findItem(obj, first);
    return gone === undefined ? obj : obj.filter((item) => item !== gone);
  }
  if (!isMap(obj) || !first.startsWith('f:')) return obj;
  const key = first.slice(2);
  if (!(key in obj)) return obj;
  const out = { ...obj };
  if (rest.length === 0) delete out[key];
  else defineKey(out, key, removeField(out[key], rest));
  return out;
}
