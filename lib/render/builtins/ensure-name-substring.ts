/**
 * ensure-name-substring (docs/render.md): prepends or appends a substring to resource names that lack it (not to
 * CRDs, Namespaces and APIServices), and to the references that name a renamed resource in the same package: the
 * pod-spec references to ConfigMaps, Secrets, ServiceAccounts and PersistentVolumeClaims, RBAC role references and
 * ServiceAccount subjects, Ingress backends, and `depends-on` annotations; plus `additionalNameFields`.
 */
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { FunctionIO, FunctionOutput } from '../types.js';
import {
  annotationsOf,
  configData,
  done,
  error,
  groupOf,
  isConfigMap,
  isGVK,
  kindOf,
  mapAt,
  nameOf,
  seqAt,
  setStringIn,
  stringMap,
} from './kube-object.js';
import { RBAC_GROUP } from '../../api-groups.js';

const SKIPPED = ['CustomResourceDefinition', 'Namespace', 'APIService'];
const DEPENDS_ON = 'config.kubernetes.io/depends-on';

interface Settings {
  substring: string;
  mode: 'prepend' | 'append';
  extra: { group?: string; version?: string; kind?: string; path: string; create?: boolean }[];
}

function readSettings(input: FunctionIO): Settings | string {
  const config = configData(input);
  if (isConfigMap(config)) {
    const data = Object.entries(stringMap(config.data));
    if (data.length !== 1 || !['prepend', 'append'].includes(data[0]![0])) {
      return 'the ConfigMap must have exactly one of `prepend` or `append` in `data`';
    }
    return { substring: data[0]![1], mode: data[0]![0] as Settings['mode'], extra: [] };
  }
  if (config.kind !== 'EnsureNameSubstring') return '`functionConfig` must be a `ConfigMap` or `EnsureNameSubstring`';
  const mode = (config.editMode ?? 'prepend') as Settings['mode'];
  if (mode !== 'prepend' && mode !== 'append') return '`editMode` must be `prepend` or `append`';
  if (!config.substring) return '`substring` must not be empty';
  const extra = Array.isArray(config.additionalNameFields) ? (config.additionalNameFields as Settings['extra']) : [];
  return { substring: String(config.substring), mode, extra };
}

/** Pod-spec fields naming another resource of the package, by the kind they name. */
const POD_REFS: [string, string[][]][] = [
  [
    'ConfigMap',
    [
      ['volumes', '*', 'configMap', 'name'],
      ['containers', '*', 'env', '*', 'valueFrom', 'configMapKeyRef', 'name'],
      ['containers', '*', 'envFrom', '*', 'configMapRef', 'name'],
    ],
  ],
  [
    'Secret',
    [
      ['volumes', '*', 'secret', 'secretName'],
      ['containers', '*', 'env', '*', 'valueFrom', 'secretKeyRef', 'name'],
      ['containers', '*', 'envFrom', '*', 'secretRef', 'name'],
      ['imagePullSecrets', '*', 'name'],
    ],
  ],
  ['PersistentVolumeClaim', [['volumes', '*', 'persistentVolumeClaim', 'claimName']]],
  ['ServiceAccount', [['serviceAccountName']]],
];

/** Every scalar at a path under a node (`*` = each list item). */
function scalarsAt(node: Node | undefined, path: string[]): { parent: Node; key: string }[] {
  if (!node) return [];
  const [head, ...rest] = path;
  if (head === '*') return isSeq(node) ? node.items.flatMap((i) => scalarsAt(i as Node, rest)) : [];
  if (!isMap(node)) return [];
  if (rest.length === 0) return isScalar(node.get(head!, true)) ? [{ parent: node, key: head! }] : [];
  return scalarsAt(node.get(head!, true) as Node, rest);
}

export async function ensureNameSubstring(input: FunctionIO): Promise<FunctionOutput> {
  const s = readSettings(input);
  if (typeof s === 'string') return done(input.items, [error(s)]);
  const ensure = (name: string) =>
    name.includes(s.substring) ? name : s.mode === 'prepend' ? `${s.substring}${name}` : `${name}${s.substring}`;
  const renamed = new Map<string, string>();
  for (const item of input.items) {
    if (SKIPPED.includes(kindOf(item))) continue;
    const old = nameOf(item);
    const next = ensure(old);
    if (next === old) continue;
    renamed.set(`${kindOf(item)}/${old}`, next);
    setStringIn(mapAt(item.doc, item.doc.contents as Node, ['metadata'], true)!, 'name', next);
    for (const spec of s.extra) {
      if (!isGVK(item, spec.group ?? '', spec.version ?? '', spec.kind ?? '')) continue;
      const path = spec.path.split('/');
      const parent = mapAt(item.doc, item.doc.contents as Node, path.slice(0, -1), spec.create ?? false);
      const current = parent?.get(path.at(-1)!);
      if (parent && (current !== undefined || spec.create))
        setStringIn(parent, path.at(-1)!, ensure(String(current ?? old)));
    }
  }
  const rename = (kind: string, parent: Node, key: string) => {
    if (!isMap(parent)) return;
    const next = renamed.get(`${kind}/${String(parent.get(key))}`);
    if (next) setStringIn(parent, key, next);
  };
  for (const item of input.items) {
    const podSpec = (
      isGVK(item, '', '', 'Pod') ? item.doc.get('spec', true) : item.doc.getIn(['spec', 'template', 'spec'], true)
    ) as Node;
    for (const [kind, paths] of POD_REFS)
      for (const p of paths) for (const f of scalarsAt(podSpec, p)) rename(kind, f.parent, f.key);
    if (groupOf(item) === RBAC_GROUP && kindOf(item).endsWith('Binding')) {
      const roleRef = item.doc.get('roleRef', true) as Node;
      if (isMap(roleRef)) rename(String(roleRef.get('kind')), roleRef, 'name');
      for (const subject of seqAt(item.doc.contents, 'subjects')) {
        if (isMap(subject) && subject.get('kind') === 'ServiceAccount') rename('ServiceAccount', subject, 'name');
      }
    }
    if (kindOf(item) === 'Ingress') {
      for (const f of scalarsAt(item.doc.contents as Node, [
        'spec',
        'rules',
        '*',
        'http',
        'paths',
        '*',
        'backend',
        'service',
        'name',
      ])) {
        rename('Service', f.parent, f.key);
      }
    }
    const dependsOn = annotationsOf(item)[DEPENDS_ON];
    const parts = dependsOn?.split('/');
    if (parts && parts.length >= 3) {
      const next = renamed.get(`${parts.at(-2)}/${parts.at(-1)}`);
      if (next) {
        const annotations = mapAt(item.doc, item.doc.contents as Node, ['metadata', 'annotations'], false)!;
        setStringIn(annotations, DEPENDS_ON, [...parts.slice(0, -1), next].join('/'));
      }
    }
  }
  return done(input.items, []);
}
