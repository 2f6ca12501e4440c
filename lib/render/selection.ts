/** `selectors` and `exclude` of a pipeline entry (docs/render.md): which items a function sees. */
import { isMap } from 'yaml';
import { field } from './resources.js';
import type { KrmItem, Selector } from './types.js';

function mapOf(item: KrmItem, key: 'labels' | 'annotations'): Record<string, unknown> {
  const node = item.doc.getIn(['metadata', key]);
  return isMap(node) ? (node.toJSON() as Record<string, unknown>) : {};
}

/** All fields a selector sets must match; an unset field matches anything. */
export function matches(item: KrmItem, s: Selector): boolean {
  const meta = (key: 'labels' | 'annotations', want?: Record<string, string>) =>
    !want || Object.entries(want).every(([k, v]) => String(mapOf(item, key)[k] ?? '') === v && k in mapOf(item, key));
  return (
    (!s.apiVersion || field(item.doc, 'apiVersion') === s.apiVersion) &&
    (!s.kind || field(item.doc, 'kind') === s.kind) &&
    (!s.name || field(item.doc, 'metadata', 'name') === s.name) &&
    (!s.namespace || field(item.doc, 'metadata', 'namespace') === s.namespace) &&
    meta('labels', s.labels) &&
    meta('annotations', s.annotations)
  );
}

/** Items a function runs on: those matching any selector (all when none) and no exclusion. */
export function selectItems(items: KrmItem[], selectors: Selector[], exclude: Selector[]): KrmItem[] {
  return items.filter(
    (item) => (!selectors.length || selectors.some((s) => matches(item, s))) && !exclude.some((s) => matches(item, s)),
  );
}

/** True when the doc's root is a mapping (every KRM item's is; functions may answer with anything). */
export const isResource = (item: KrmItem) => isMap(item.doc.contents);
