/** A package's pipeline as its Kptfile declares it, checked as kpt checks it (docs/render.md). */
import { Document, isMap, isSeq, type Node } from 'yaml';
import { pipelineError } from './errors.js';
import type { FunctionEntry, KrmItem, Selector } from './types.js';

export interface Pipeline {
  mutators: FunctionEntry[];
  validators: FunctionEntry[];
}

const SELECTOR_KEYS = ['apiVersion', 'kind', 'name', 'namespace', 'labels', 'annotations'] as const;

function readSelectors(node: unknown, where: string): Selector[] {
  if (node === undefined || node === null) return [];
  if (!Array.isArray(node)) throw pipelineError(`${where} must be a list`);
  return node.map((s, i) => {
    if (!s || typeof s !== 'object') throw pipelineError(`${where}[${i}] must be a mapping`);
    const out: Selector = {};
    for (const key of SELECTOR_KEYS) {
      const v = (s as Record<string, unknown>)[key];
      if (v === undefined || v === null) continue;
      if (key === 'labels' || key === 'annotations') {
        out[key] = Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, String(x)]));
      } else out[key] = String(v);
    }
    return out;
  });
}

function readEntry(raw: unknown, where: string): FunctionEntry {
  if (!raw || typeof raw !== 'object') throw pipelineError(`${where} must be a mapping`);
  const e = raw as Record<string, unknown>;
  if (e.exec !== undefined) throw pipelineError(`${where}: exec functions are not allowed here, use an image`);
  if (typeof e.image !== 'string' || !e.image) throw pipelineError(`${where}: image is required`);
  if (e.configPath !== undefined && e.configMap !== undefined) {
    throw pipelineError(
      `${where}: functionConfig must not specify both \`configMap\` and \`configPath\` at the same time`,
    );
  }
  const configPath = e.configPath === undefined ? undefined : String(e.configPath);
  if (configPath !== undefined && (configPath.startsWith('/') || configPath.split('/').includes('..'))) {
    throw pipelineError(`${where}: configPath "${configPath}" must be a relative path inside the package`);
  }
  const configMap =
    e.configMap && typeof e.configMap === 'object'
      ? Object.fromEntries(Object.entries(e.configMap).map(([k, v]) => [k, String(v)]))
      : undefined;
  return {
    image: e.image,
    ...(typeof e.name === 'string' ? { name: e.name } : {}),
    ...(configPath !== undefined ? { configPath } : {}),
    ...(configMap ? { configMap } : {}),
    selectors: readSelectors(e.selectors, `${where}.selectors`),
    exclude: readSelectors(e.exclude, `${where}.exclude`),
  };
}

/** The pipeline of a Kptfile document; empty when it declares none. */
export function readPipeline(kptfile: Document, where: string): Pipeline {
  const pipeline = kptfile.get('pipeline', true) as Node | undefined;
  if (pipeline === undefined || pipeline === null || (isMap(pipeline) && pipeline.items.length === 0)) {
    return { mutators: [], validators: [] };
  }
  if (!isMap(pipeline)) throw pipelineError(`${where}: pipeline must be a mapping`);
  const list = (key: 'mutators' | 'validators') => {
    const node = pipeline.get(key, true);
    if (node === undefined || node === null) return [];
    if (!isSeq(node)) throw pipelineError(`${where}: pipeline.${key} must be a list`);
    return (node.toJSON() as unknown[]).map((e, i) => readEntry(e, `${where}: pipeline.${key}[${i}]`));
  };
  return { mutators: list('mutators'), validators: list('validators') };
}

/**
 * The functionConfig of an entry: `configMap` as a ConfigMap named function-input, or the single resource of the
 * package file `configPath` names, as it is now (an earlier function may have changed it).
 */
export function functionConfig(entry: FunctionEntry, packageDir: string, items: KrmItem[]): Document | undefined {
  if (entry.configMap) {
    return new Document({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'function-input' },
      data: entry.configMap,
    });
  }
  if (entry.configPath === undefined) return undefined;
  const path = packageDir ? `${packageDir}/${entry.configPath}` : entry.configPath;
  const found = items.filter((item) => item.path === path);
  if (found.length === 0) throw pipelineError(`missing function config "${entry.configPath}"`);
  if (found.length > 1) {
    throw pipelineError(
      `functionConfig "${entry.configPath}" must contain exactly one resource, found ${found.length}`,
    );
  }
  return found[0]!.doc.clone();
}
