/**
 * set-annotations (docs/render.md): sets annotations on every resource and on the pod templates of workloads (the
 * common-annotations field specs of kustomize, which the catalog's function uses), plus any
 * `additionalAnnotationFields` the config names.
 */
import type { Node } from 'yaml';
import type { FunctionIO, FunctionOutput, ResultItem } from '../types.js';
import { configData, done, error, isConfigMap, isGVK, mapAt, setStringIn, stringMap } from './kube-object.js';

interface FieldSpec {
  group?: string;
  version?: string;
  kind?: string;
  path: string;
  create?: boolean;
}

const TEMPLATE = 'spec/template/metadata/annotations';
const DEFAULT_SPECS: FieldSpec[] = [
  { path: 'metadata/annotations', create: true },
  { path: TEMPLATE, create: true, version: 'v1', kind: 'ReplicationController' },
  { path: TEMPLATE, create: true, kind: 'Deployment' },
  { path: TEMPLATE, create: true, kind: 'ReplicaSet' },
  { path: TEMPLATE, create: true, kind: 'DaemonSet' },
  { path: TEMPLATE, create: true, group: 'apps', kind: 'StatefulSet' },
  { path: TEMPLATE, create: true, group: 'batch', kind: 'Job' },
  { path: 'spec/jobTemplate/metadata/annotations', create: true, group: 'batch', kind: 'CronJob' },
  { path: 'spec/jobTemplate/spec/template/metadata/annotations', create: true, group: 'batch', kind: 'CronJob' },
];

function readConfig(input: FunctionIO): { annotations: Record<string, string>; specs: FieldSpec[] } | string {
  const config = configData(input);
  let annotations: Record<string, string>;
  let extra: FieldSpec[] = [];
  if (isConfigMap(config)) annotations = stringMap(config.data);
  else if (
    config.apiVersion === 'fn.kpt.dev/v1alpha1' &&
    (config.kind === 'SetAnnotations' || config.kind === 'SetAnnotationConfig')
  ) {
    annotations = stringMap(config.annotations);
    if (config.fieldSpecs && config.additionalAnnotationFields) {
      return '`fieldSpecs` has been deprecated, please rename it to `additionalAnnotationFields`';
    }
    const specs = config.additionalAnnotationFields ?? config.fieldSpecs;
    extra = Array.isArray(specs) ? (specs as FieldSpec[]).filter((s) => s && typeof s.path === 'string') : [];
  } else return '`functionConfig` must be a `ConfigMap` or `SetAnnotations`';
  if (Object.keys(annotations).length === 0) return 'input annotation list cannot be empty';
  return { annotations, specs: [...extra, ...DEFAULT_SPECS] };
}

export async function setAnnotations(input: FunctionIO): Promise<FunctionOutput> {
  const settings = readConfig(input);
  if (typeof settings === 'string') return done(input.items, [error(settings)]);
  const applied = new Map<string, { path?: string; index?: number; field: string; values: Record<string, string> }>();
  for (const item of input.items) {
    for (const spec of settings.specs) {
      if (!isGVK(item, spec.group ?? '', spec.version ?? '', spec.kind ?? '')) continue;
      const path = spec.path.split('/');
      const map = mapAt(item.doc, item.doc.contents as Node, path, spec.create ?? false);
      if (!map) continue;
      const key = `${item.path ?? ''}\0${item.index ?? 0}\0${path.join('.')}`;
      const entry = applied.get(key) ?? { path: item.path, index: item.index, field: path.join('.'), values: {} };
      for (const [k, v] of Object.entries(settings.annotations)) {
        setStringIn(map, k, v);
        entry.values[k] = v;
      }
      applied.set(key, entry);
    }
  }
  if (applied.size === 0) return done(input.items, [{ message: 'no annotations applied' }]);
  const results: ResultItem[] = [...applied.values()].map((e) => ({
    message: `set annotations: ${JSON.stringify(Object.fromEntries(Object.entries(e.values).sort()))}`,
    field: { path: e.field },
    file: { ...(e.path !== undefined ? { path: e.path } : {}), index: e.index ?? 0 },
  }));
  return done(input.items, results);
}
