/**
 * kustomize's field paths (`spec.template.spec.containers.[name=app].image`, `data.*`, `items.0`,
 * `metadata.annotations.[a.b/c]`), used by apply-replacements: find the nodes a path names, or create it.
 */
import { isMap, isScalar, isSeq, type YAMLMap, type Document, type Node } from 'yaml';

/** Splits a path on dots outside brackets; `[x]` that is not `[k=v]` is a plain key that may contain dots. */
export function splitPath(path: string): string[] {
  const out: string[] = [];
  let current = '';
  let depth = 0;
  for (const c of path) {
    if (c === '[') depth++;
    if (c === ']') depth--;
    if (c === '.' && depth === 0) {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out.filter((s) => s !== '').map((s) => (/^\[[^=]*\]$/.test(s) ? s.slice(1, -1) : s));
}

const selectorOf = (segment: string) => /^\[([^=]+)=(.*)\]$/.exec(segment);

/** The children a segment names under a node. */
function step(node: Node, segment: string): Node[] {
  const sel = selectorOf(segment);
  if (isSeq(node)) {
    if (segment === '*') return node.items as Node[];
    if (/^\d+$/.test(segment)) return node.items[Number(segment)] ? [node.items[Number(segment)] as Node] : [];
    if (sel) {
      return (node.items as Node[]).filter((item) => {
        const v = isMap(item) ? item.get(sel[1]!, true) : undefined;
        return isScalar(v) && String(v.value) === sel[2];
      });
    }
    return [];
  }
  if (isMap(node)) {
    if (segment === '*') return node.items.map((p) => p.value as Node).filter(Boolean);
    const v = node.get(segment, true) as Node | undefined;
    return v === undefined || v === null ? [] : [v];
  }
  return [];
}

/** Every node the path names under `root`. */
export function findNodes(root: Node, segments: string[]): Node[] {
  return segments.reduce<Node[]>((nodes, segment) => nodes.flatMap((n) => step(n, segment)), [root]);
}

/** The parent mapping of the path's last key, creating the maps on the way (used with `options.create`). */
export function createParent(doc: Document, root: Node, segments: string[]): YAMLMap | undefined {
  let node: Node = root;
  for (const segment of segments.slice(0, -1)) {
    const [next] = step(node, segment);
    if (next) {
      node = next;
      continue;
    }
    if (!isMap(node) || segment === '*' || selectorOf(segment)) return undefined;
    const created = doc.createNode({}) as YAMLMap;
    node.set(segment, created);
    node = created;
  }
  return isMap(node) ? node : undefined;
}
