/**
 * kpt's field-level three-way merge of one resource (docs/porch-semantics.md §6, upgrade with resource-merge): the
 * change from origin (old upstream) to upstream (new upstream) is applied to local, in place, keeping local's
 * comments. Scalars and plain lists: upstream's value when upstream changed it (upstream wins a conflict), local's
 * otherwise. Maps merge key by key. Lists of maps with a merge key (name, containerPort, mountPath, …) merge item by
 * item. A field upstream deleted or set to null is removed.
 */
import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';

const MERGE_KEYS = ['name', 'containerPort', 'mountPath', 'devicePath', 'ip', 'type', 'topologyKey'];

const json = (node: unknown) => (node && typeof node === 'object' && 'toJSON' in node ? (node as Node).toJSON() : node);
const same = (a: unknown, b: unknown) => JSON.stringify(json(a)) === JSON.stringify(json(b));
const isNull = (node: unknown) => node === null || (isScalar(node) && node.value === null);
const keyOf = (pair: Pair) => (isScalar(pair.key) ? String(pair.key.value) : String(pair.key));
const clone = (node: unknown) => (node && typeof node === 'object' && 'clone' in node ? (node as Node).clone() : node);

function entry(map: YAMLMap | undefined, key: string): { has: boolean; value: unknown } {
  const pair = map?.items.find((p) => keyOf(p) === key);
  return { has: !!pair, value: pair?.value };
}

/** The value merged into local's place: a node to set, or `undefined` to delete the field. */
function mergeValue(origin: unknown, upstream: unknown, local: unknown): unknown {
  if (isMap(upstream) && isMap(local)) {
    mergeMaps(isMap(origin) ? origin : undefined, upstream, local);
    return local;
  }
  if (isSeq(upstream) && isSeq(local)) {
    const key = mergeKey(upstream, local);
    if (key) {
      mergeLists(isSeq(origin) ? origin : undefined, upstream, local, key);
      return local;
    }
  }
  if (same(origin, upstream)) return local;
  if (isScalar(upstream) && isScalar(local)) {
    local.value = upstream.value;
    local.type = upstream.type;
    return local;
  }
  return clone(upstream);
}

/** Merges maps in place into `local`. */
export function mergeMaps(origin: YAMLMap | undefined, upstream: YAMLMap, local: YAMLMap): void {
  const keys = new Set([...upstream.items, ...(origin?.items ?? [])].map(keyOf));
  for (const key of keys) {
    const [o, u, l] = [entry(origin, key), entry(upstream, key), entry(local, key)];
    if (u.has && isNull(u.value)) {
      local.delete(key);
    } else if (!u.has) {
      // Deleted upstream: removed from local, as kpt does whatever local did with it.
      if (o.has) local.delete(key);
    } else if (!l.has) {
      // Absent locally: added when upstream changed it (a local deletion of an unchanged field stays).
      if (!o.has || !same(o.value, u.value)) local.set(key, clone(u.value));
    } else {
      const merged = mergeValue(o.value, u.value, l.value);
      if (merged !== l.value) local.set(key, merged);
    }
  }
}

/** The merge key of two lists: one every item of both has. */
function mergeKey(upstream: YAMLSeq, local: YAMLSeq): string | undefined {
  const items = [...upstream.items, ...local.items];
  if (!items.length || !items.every(isMap)) return undefined;
  return MERGE_KEYS.find((k) => items.every((i) => isScalar((i as YAMLMap).get(k, true))));
}

function mergeLists(origin: YAMLSeq | undefined, upstream: YAMLSeq, local: YAMLSeq, key: string): void {
  const id = (item: unknown) => (isMap(item) ? String((item.get(key, true) as { value?: unknown })?.value) : '');
  const find = (seq: YAMLSeq | undefined, value: string) =>
    seq?.items.find((i) => id(i) === value) as YAMLMap | undefined;
  const upstreamIds = new Set(upstream.items.map(id));
  local.items = local.items.filter((item) => upstreamIds.has(id(item)) || !find(origin, id(item)));
  for (const item of upstream.items as YAMLMap[]) {
    const mine = find(local, id(item));
    const base = find(origin, id(item));
    if (mine) mergeMaps(base, item, mine);
    else if (!base) local.items.push(item.clone());
  }
}
