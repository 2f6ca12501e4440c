/**
 * set-labels (docs/render.md): sets labels on every non-local resource and the selectors and templates that must
 * carry them (workload selectors and pod templates, Service selectors, CronJob job templates, StatefulSet volume
 * claim templates, NetworkPolicy selectors, topology spread constraints), as the catalog's function does.
 */
import { isMap, type Document, type Node } from 'yaml';
import type { FunctionIO, FunctionOutput } from '../types.js';
import {
  configData,
  done,
  info,
  isConfigMap,
  isGVK,
  isLocalConfig,
  mapAt,
  seqAt,
  setStringIn,
  stringMap,
  warning,
} from './kube-object.js';

class Labeler {
  count = 0;
  constructor(
    readonly doc: Document,
    readonly labels: [string, string][],
  ) {}

  /** Writes each label at `path`: always when `create`, else only over an existing different value. */
  update(node: Node | null | undefined, path: string[], create: boolean): void {
    if (!isMap(node)) return;
    for (const [key, value] of this.labels) {
      const map = mapAt(this.doc, node, path, create);
      const old = map?.get(key);
      if (map && ((old !== undefined && String(old) !== value) || (old === undefined && create))) {
        setStringIn(map, key, value);
      }
      this.count++;
    }
  }

  meta(node: Node | null | undefined): void {
    this.update(node, ['metadata', 'labels'], true);
  }

  pod(template: Node | null | undefined): void {
    if (!isMap(template)) return;
    this.meta(template);
    const spec = template.get('spec', true) as Node | undefined;
    if (!isMap(spec) || !spec.has('topologySpreadConstraints')) return;
    for (const c of seqAt(spec, 'topologySpreadConstraints')) this.update(c, ['labelSelector', 'matchLabels'], false);
  }
}

function readLabels(input: FunctionIO): Record<string, string> | undefined {
  const config = configData(input);
  if (isConfigMap(config)) {
    const data = stringMap(config.data);
    const name = (config.metadata as Record<string, unknown> | undefined)?.name;
    return name === 'function-input' && Object.keys(data).length === 0 ? undefined : data;
  }
  if (!config.kind && !(config.metadata as Record<string, unknown> | undefined)?.name) return undefined;
  return stringMap(config.labels);
}

export async function setLabels(input: FunctionIO): Promise<FunctionOutput> {
  const objects = input.items.filter((o) => !isLocalConfig(o));
  if (objects.length === 0) return done(input.items, [info('no input resources')]);
  const labels = readLabels(input);
  if (labels === undefined) return { items: input.items, results: [], exitCode: 1 };
  const sorted = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (sorted.length === 0) return done(input.items, [warning('no `labels` arguments are given in FunctionConfig')]);
  let count = 0;
  for (const o of objects) {
    const l = new Labeler(o.doc, sorted);
    const root = o.doc.contents as Node;
    l.meta(root);
    const workload = ['Deployment', 'ReplicaSet', 'DaemonSet'].some((k) => isGVK(o, '', '', k));
    const statefulSet = isGVK(o, 'apps', '', 'StatefulSet');
    if (isGVK(o, '', 'v1', 'Service') || isGVK(o, '', 'v1', 'ReplicationController')) {
      l.update(root, ['spec', 'selector'], true);
    }
    if (workload || statefulSet) l.update(root, ['spec', 'selector', 'matchLabels'], true);
    else if (isGVK(o, 'batch', '', 'Job') || isGVK(o, 'policy', '', 'PodDisruptionBudget')) {
      l.update(root, ['spec', 'selector', 'matchLabels'], false);
    }
    const networkPolicy = isGVK(o, 'networking.k8s.io', '', 'NetworkPolicy');
    if (networkPolicy) l.update(root, ['spec', 'podSelector', 'matchLabels'], false);
    const spec = isMap(root) ? (root.get('spec', true) as Node | undefined) : undefined;
    if (isMap(spec)) {
      if (workload || statefulSet || isGVK(o, '', 'v1', 'ReplicationController') || isGVK(o, 'batch', '', 'Job')) {
        l.pod(spec.get('template', true) as Node);
      }
      if (isGVK(o, 'batch', '', 'CronJob')) {
        const job = spec.get('jobTemplate', true) as Node | undefined;
        if (isMap(job)) {
          l.meta(job);
          const jobSpec = job.get('spec', true) as Node | undefined;
          l.update(jobSpec, ['selector', 'matchLabels'], false);
          if (isMap(jobSpec)) l.pod(jobSpec.get('template', true) as Node);
        }
      }
      if (statefulSet) {
        for (const v of seqAt(spec, 'volumeClaimTemplates')) {
          l.meta(v);
          l.update(v, ['selector', 'matchLabels'], false);
        }
      }
      if (networkPolicy) {
        for (const rule of seqAt(spec, 'ingress'))
          for (const f of seqAt(rule, 'from')) l.update(f, ['podSelector', 'matchLabels'], false);
        for (const rule of seqAt(spec, 'egress'))
          for (const t of seqAt(rule, 'to')) l.update(t, ['podSelector', 'matchLabels'], false);
      }
    }
    count += l.count;
  }
  return done(input.items, [info(`set ${count} labels in total`)]);
}
