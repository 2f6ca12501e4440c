/** Small helpers the built-in functions share: typed reads and comment-keeping writes on KRM items. */
import { isMap, isScalar, isSeq, type YAMLMap, type Document, type Node, type Scalar, type YAMLSeq } from 'yaml';
import { scalarText } from '../../kpt/yaml-text.js';
import type { FunctionIO, FunctionOutput, KrmItem, ResultItem } from '../types.js';

export const LOCAL_CONFIG = 'config.kubernetes.io/local-config';

export const apiVersionOf = (item: KrmItem) => scalarText(item.doc.get('apiVersion', true)) ?? '';
export const kindOf = (item: KrmItem) => scalarText(item.doc.get('kind', true)) ?? '';
export const nameOf = (item: KrmItem) => scalarText(item.doc.getIn(['metadata', 'name'], true)) ?? '';
export const namespaceOf = (item: KrmItem) => scalarText(item.doc.getIn(['metadata', 'namespace'], true)) ?? '';
export const groupOf = (item: KrmItem) => {
  const v = apiVersionOf(item);
  return v.includes('/') ? v.slice(0, v.indexOf('/')) : '';
};

/** `group`/`kind` match as the function SDK's IsGVK does: an empty expected value matches anything. */
export const isGVK = (item: KrmItem, group: string, version: string, kind: string) => {
  const v = apiVersionOf(item);
  const ver = v.includes('/') ? v.slice(v.indexOf('/') + 1) : v;
  return (!group || groupOf(item) === group) && (!version || ver === version) && (!kind || kindOf(item) === kind);
};

export function annotationsOf(item: KrmItem): Record<string, string> {
  const node = item.doc.getIn(['metadata', 'annotations'], true);
  return isMap(node) ? (node.toJSON() as Record<string, string>) : {};
}

/** kpt's local-config test: annotated with anything but "false". */
export const isLocalConfig = (item: KrmItem) => {
  const v = annotationsOf(item)[LOCAL_CONFIG];
  return v !== undefined && v !== '' && v !== 'false';
};

/** The mapping at `path` under `node`, created (empty) when `create` and missing; undefined otherwise. */
export function mapAt(
  doc: Document,
  node: Node | null | undefined,
  path: string[],
  create: boolean,
): YAMLMap | undefined {
  let current = node;
  for (const key of path) {
    if (!isMap(current)) return undefined;
    let next = current.get(key, true) as Node | undefined;
    if (!isMap(next)) {
      if (!create || (next !== undefined && next !== null && !(isScalar(next) && next.value === null)))
        return undefined;
      next = doc.createNode({}) as YAMLMap;
      current.set(key, next);
    }
    current = next;
  }
  return isMap(current) ? current : undefined;
}

/** The sequence at `key` of a mapping, or an empty list. */
export const seqAt = (node: unknown, key: string): Node[] => {
  const v = isMap(node) ? node.get(key, true) : undefined;
  return isSeq(v) ? (v as YAMLSeq<Node>).items : [];
};

/** Sets a string in a map, keeping the scalar node (and its comments) when there is one. */
export function setStringIn(map: YAMLMap, key: string, value: string): void {
  const node = map.get(key, true);
  if (isScalar(node)) node.value = value;
  else map.set(key, value);
}

/** The functionConfig as plain data; `{}` without one. */
export function configData(input: FunctionIO): Record<string, unknown> {
  const json = input.functionConfig?.toJSON();
  return json && typeof json === 'object' ? (json as Record<string, unknown>) : {};
}

export const configKind = (config: Record<string, unknown>) => String(config.kind ?? '');
export const isConfigMap = (config: Record<string, unknown>) =>
  config.apiVersion === 'v1' && config.kind === 'ConfigMap';

/** A string map field of the config (ConfigMap `data`, or a typed config's field). */
export function stringMap(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

export const info = (message: string, extra: Partial<ResultItem> = {}): ResultItem => ({
  message,
  severity: 'info',
  ...extra,
});
export const warning = (message: string, extra: Partial<ResultItem> = {}): ResultItem => ({
  message,
  severity: 'warning',
  ...extra,
});
export const error = (message: string, extra: Partial<ResultItem> = {}): ResultItem => ({
  message,
  severity: 'error',
  ...extra,
});

/** The output of a built-in: its items and results; exit code 1 when a result is an error (the SDK's rule). */
export const done = (items: KrmItem[], results: ResultItem[]): FunctionOutput => ({
  items,
  results,
  exitCode: results.some((r) => r.severity === 'error') ? 1 : 0,
});

/** `kind/name` as the SDK's ShortString prints it, with the namespace when set. */
export const shortString = (item: KrmItem) =>
  `Resource(apiVersion=${apiVersionOf(item)}, kind=${kindOf(item)}, namespace=${namespaceOf(item)}, name=${nameOf(item)})`;

/**
 * Sets a scalar from text the way Go's yaml writes an untagged value: `3`, `true` and `1.5` come out plain (so
 * they read back as number or boolean), other text as a string; comments stay on the node.
 */
export function setScalarText(node: Scalar, text: string): void {
  delete node.tag;
  if (/^-?(0|[1-9]\d*)$/.test(text) && Number.isSafeInteger(Number(text))) node.value = Number(text);
  else if (/^-?\d+\.\d+$/.test(text) && String(Number(text)) === text) node.value = Number(text);
  else if (text === 'true' || text === 'false') node.value = text === 'true';
  else {
    node.value = text;
    if (text === '') node.type = 'QUOTE_DOUBLE';
  }
}
