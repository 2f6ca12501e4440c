/**
 * Field sets of server-side apply (docs/dry-run-and-apply.md), pure. A path is a list of FieldsV1 keys (`f:spec`,
 * `f:lifecycle`); a set holds the leaves an object sets: scalars, lists (always atomic here) and empty maps. Maps
 * are granular: each key is its own field.
 */
type Json = unknown;
type JsonMap = Record<string, Json>;

export type FieldPath = string[];

const isMap = (v: Json): v is JsonMap => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A set of paths, keyed by their JSON text (field names may hold any character). */
export class FieldSet {
  private readonly paths = new Map<string, FieldPath>();

  constructor(paths: Iterable<FieldPath> = []) {
    for (const p of paths) this.add(p);
  }

  add(path: FieldPath): void {
    this.paths.set(JSON.stringify(path), path);
  }

  has(path: FieldPath): boolean {
    return this.paths.has(JSON.stringify(path));
  }

  get size(): number {
    return this.paths.size;
  }

  [Symbol.iterator]() {
    return this.paths.values();
  }

  union(other: FieldSet): FieldSet {
    return new FieldSet([...this, ...other]);
  }

  minus(other: FieldSet): FieldSet {
    return new FieldSet([...this].filter((p) => !other.has(p)));
  }

  intersect(other: FieldSet): FieldSet {
    return new FieldSet([...this].filter((p) => other.has(p)));
  }

  equals(other: FieldSet): boolean {
    return this.size === other.size && [...this].every((p) => other.has(p));
  }
}

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

/** Sets a key without letting `__proto__` replace the prototype. */
function defineKey(target: JsonMap, key: string, value: Json) {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Every leaf path of an object's user fields. */
export function fieldSetOf(obj: Json): FieldSet {
  const set = new FieldSet();
  const walk = (value: JsonMap, path: FieldPath) => {
    for (const [key, v] of Object.entries(value)) {
      const at = [...path, `f:${key}`];
      if (isMap(v) && Object.keys(v).length > 0) walk(v, at);
      else set.add(at);
    }
  };
  walk(userFields(obj), []);
  return set;
}

/** The value at a path, or undefined. */
export function valueAt(obj: Json, path: FieldPath): Json {
  let cur: Json = obj;
  for (const key of path) {
    if (!isMap(cur) || !key.startsWith('f:')) return undefined;
    cur = cur[key.slice(2)];
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

/** A deep copy of `base` with `config` merged in: maps key by key, everything else replaced. */
export function mergeFields(base: Json, config: Json): Json {
  if (!isMap(config)) return config;
  const out: JsonMap = isMap(base) ? { ...base } : {};
  for (const [key, value] of Object.entries(config)) defineKey(out, key, mergeFields(out[key], value));
  return out;
}

/** A copy of the object without the field at `path` (parents are kept). */
export function removeField(obj: Json, path: FieldPath): Json {
  const [first, ...rest] = path;
  if (!isMap(obj) || !first?.startsWith('f:')) return obj;
  const key = first.slice(2);
  if (!(key in obj)) return obj;
  const out = { ...obj };
  if (rest.length === 0) delete out[key];
  else defineKey(out, key, removeField(out[key], rest));
  return out;
}

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
