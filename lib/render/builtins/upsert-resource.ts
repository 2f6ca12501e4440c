/**
 * upsert-resource (docs/render.md): the functionConfig is a resource (or a List of them) that replaces the package's
 * resource of the same group, kind, name and namespace (keeping that resource's annotations under the new ones),
 * or is added when there is none; `config.kubernetes.io/target-path` chooses the file, as the catalog's function does.
 */
import { Document, isMap } from 'yaml';
import type { FunctionIO, FunctionOutput, KrmItem } from '../types.js';
import { annotationsOf, apiVersionOf, done, error, groupOf, kindOf, nameOf, namespaceOf } from './kube-object.js';

const TARGET_PATH = 'config.kubernetes.io/target-path';

const sameResource = (a: KrmItem, b: KrmItem) =>
  groupOf(a) === groupOf(b) && kindOf(a) === kindOf(b) && nameOf(a) === nameOf(b) && namespaceOf(a) === namespaceOf(b);

function withAnnotations(doc: Document, annotations: Record<string, string>): Document {
  if (Object.keys(annotations).length) doc.setIn(['metadata', 'annotations'], doc.createNode(annotations));
  else if (isMap(doc.getIn(['metadata'], true))) doc.deleteIn(['metadata', 'annotations']);
  return doc;
}

export async function upsertResource(input: FunctionIO): Promise<FunctionOutput> {
  const config = input.functionConfig;
  if (!config || !isMap(config.contents))
    return done(input.items, [error('failed to upsert resource: missing functionConfig')]);
  const list =
    kindOf({ doc: config }) === 'List' ? ((config.toJSON() as { items?: unknown[] }).items ?? []) : [config.toJSON()];
  let items = [...input.items];
  for (const raw of list) {
    const resource: KrmItem = { doc: new Document(raw) };
    if (!apiVersionOf(resource) || !kindOf(resource)) continue;
    const target = annotationsOf(resource)[TARGET_PATH];
    let replaced = false;
    items = items.map((item) => {
      if (!sameResource(item, resource) || (target && target !== item.path)) return item;
      replaced = true;
      const merged = { ...annotationsOf(item), ...annotationsOf(resource) };
      delete merged[TARGET_PATH];
      return { ...item, doc: withAnnotations(resource.doc.clone(), merged) };
    });
    if (!replaced) {
      const { [TARGET_PATH]: _target, ...rest } = annotationsOf(resource);
      items.push({ doc: withAnnotations(resource.doc.clone(), rest), ...(target ? { path: target } : {}) });
    }
  }
  return done(items, []);
}
