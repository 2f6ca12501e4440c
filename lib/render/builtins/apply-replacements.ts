/**
 * apply-replacements (docs/render.md): kustomize's replacements. Each replacement copies a value from one field of
 * one source resource into fields of the target resources it selects (optionally one delimited part of it, and
 * creating missing fields when asked), as the catalog's function does.
 */
import { isScalar, type Node } from 'yaml';
import type { FunctionIO, FunctionOutput, KrmItem } from '../types.js';
import { apiVersionOf, configData, done, error, kindOf, nameOf, namespaceOf } from './kube-object.js';
import { createParent, findNodes, splitPath } from './field-path.js';

interface Selection {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}
interface Options {
  delimiter?: string;
  index?: number;
  create?: boolean;
}
interface Replacement {
  source?: Selection & { fieldPath?: string; options?: Options };
  targets?: { select?: Selection; reject?: Selection[]; fieldPaths?: string[]; options?: Options }[];
}

function selects(item: KrmItem, s: Selection | undefined): boolean {
  if (!s) return true;
  const v = apiVersionOf(item);
  const [group, version] = v.includes('/') ? [v.slice(0, v.indexOf('/')), v.slice(v.indexOf('/') + 1)] : ['', v];
  return (
    (!s.group || s.group === group) &&
    (!s.version || s.version === version) &&
    (!s.kind || s.kind === kindOf(item)) &&
    (!s.name || s.name === nameOf(item)) &&
    (!s.namespace || s.namespace === namespaceOf(item))
  );
}

const describe = (s: Selection) =>
  Object.entries(s)
    .filter(([k, v]) => typeof v === 'string' && k !== 'fieldPath')
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

/** The source value: the node, or one delimited part of its text. */
function sourceValue(items: KrmItem[], source: NonNullable<Replacement['source']>): Node | string {
  const found = items.filter((i) => selects(i, source));
  if (found.length === 0) throw new Error(`nothing selected by ${describe(source)}`);
  if (found.length > 1) throw new Error(`multiple matches for selector ${describe(source)}`);
  const path = source.fieldPath ?? 'metadata.name';
  const [node] = findNodes(found[0]!.doc.contents as Node, splitPath(path));
  if (!node) throw new Error(`fieldPath \`${path}\` is missing for replacement source ${describe(source)}`);
  const opts = source.options;
  if (!opts?.delimiter) return node;
  const parts = String(isScalar(node) ? node.value : '').split(opts.delimiter);
  const index = opts.index ?? 0;
  if (index < 0 || index >= parts.length) {
    throw new Error(`options.index ${index} is out of bounds for value ${String(isScalar(node) ? node.value : '')}`);
  }
  return parts[index]!;
}

function replaced(current: Node | undefined, value: Node | string, opts: Options | undefined): Node | string {
  if (!opts?.delimiter) return typeof value === 'string' ? value : (value.clone() as Node);
  const text = typeof value === 'string' ? value : String(isScalar(value) ? value.value : '');
  const parts = String(isScalar(current) ? current.value : '').split(opts.delimiter);
  const index = opts.index ?? 0;
  if (index < 0) parts.unshift(text);
  else if (index >= parts.length) parts.push(text);
  else parts[index] = text;
  return parts.join(opts.delimiter);
}

function applyOne(items: KrmItem[], r: Replacement): void {
  if (!r.source) throw new Error('replacement source must be set');
  const value = sourceValue(items, r.source);
  for (const target of r.targets ?? []) {
    if (!target.select) throw new Error('target must specify resources to select');
    for (const item of items) {
      if (!selects(item, target.select) || (target.reject ?? []).some((s) => selects(item, s))) continue;
      for (const path of target.fieldPaths ?? ['metadata.name']) {
        const segments = splitPath(path);
        const root = item.doc.contents as Node;
        const nodes = findNodes(root, segments);
        if (nodes.length === 0) {
          const parent = target.options?.create ? createParent(item.doc, root, segments) : undefined;
          if (!parent) throw new Error(`unable to find field "${path}" in replacement target`);
          parent.set(segments.at(-1)!, replaced(undefined, value, target.options));
          continue;
        }
        for (const node of nodes) {
          const next = replaced(node, value, target.options);
          if (isScalar(node) && (typeof next === 'string' || isScalar(next))) {
            node.value = typeof next === 'string' ? next : next.value;
          } else {
            const parents = findNodes(root, segments.slice(0, -1));
            for (const p of parents) {
              if ('set' in p && typeof p.set === 'function') p.set(segments.at(-1)!, next);
            }
          }
        }
      }
    }
  }
}

export async function applyReplacements(input: FunctionIO): Promise<FunctionOutput> {
  const config = configData(input);
  if (config.kind !== 'ApplyReplacements') {
    return done(input.items, [
      error(`function config must be of kind ApplyReplacements, not ${JSON.stringify(config.kind ?? '')}`),
    ]);
  }
  try {
    for (const r of (Array.isArray(config.replacements) ? config.replacements : []) as Replacement[]) {
      applyOne(input.items, r);
    }
  } catch (err) {
    return done(input.items, [error((err as Error).message)]);
  }
  return done(input.items, []);
}
