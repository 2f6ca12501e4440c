/**
 * The merge keys kpt writes when a package is cloned or upgraded (docs/porch-semantics.md §6): a
 * `# kpt-merge: <namespace>/<name>` comment on `metadata` and the `internal.kpt.dev/upstream-identifier`
 * annotation `<group>|<kind>|<namespace>|<name>` (namespace `default` when empty), both naming the resource as
 * the upstream has it. Existing keys are kept, so a chain of clones keeps pointing at the first origin.
 */
import { isMap, isScalar, Scalar, type Document, type YAMLMap } from 'yaml';
import { editResources } from './krm-documents.js';
import type { Files } from './types.js';
import { scalarText } from './yaml-text.js';

export const UPSTREAM_IDENTIFIER = 'internal.kpt.dev/upstream-identifier';
const MERGE_COMMENT = /^\s*kpt-merge:\s*([^/\s]*)\/(\S+)/;

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');

/** The identifier of a resource as its own metadata names it. */
export function ownIdentifier(doc: Document): string {
  const ns = scalarText(doc.getIn(['metadata', 'namespace'], true)) || 'default';
  const name = scalarText(doc.getIn(['metadata', 'name'], true)) ?? '';
  return `${groupOf(scalarText(doc.get('apiVersion', true)) ?? '')}|${scalarText(doc.get('kind', true))}|${ns}|${name}`;
}

/** The upstream identifier a resource carries, if any. */
export const upstreamIdentifier = (doc: Document): string | undefined =>
  scalarText(doc.getIn(['metadata', 'annotations', UPSTREAM_IDENTIFIER], true)) || undefined;

function addKeys(doc: Document): boolean {
  const root = doc.contents as YAMLMap;
  const meta = root.get('metadata', true);
  if (!isMap(meta)) return false;
  const name = scalarText(meta.get('name', true)) ?? '';
  const namespace = scalarText(meta.get('namespace', true)) ?? '';
  if (!name && !namespace && !isMap(meta.get('labels', true))) return false;
  const metaKey = root.items.find((p) => isScalar(p.key) && p.key.value === 'metadata')!.key as {
    comment?: string | null;
  };
  const existing = MERGE_COMMENT.exec(metaKey.comment ?? '');
  let changed = false;
  if (!existing) {
    metaKey.comment = ` kpt-merge: ${namespace}/${name}`;
    changed = true;
  }
  if (!upstreamIdentifier(doc)) {
    const [ns, n] = existing ? [existing[1], existing[2]] : [namespace, name];
    const group = groupOf(scalarText(root.get('apiVersion', true)) ?? '');
    const value = new Scalar(`${group}|${scalarText(root.get('kind', true))}|${ns || 'default'}|${n}`);
    // Go's YAML writer quotes a core-group value (`|ConfigMap|…`) with single quotes; so do we.
    if (!group) value.type = 'QUOTE_SINGLE';
    doc.setIn(['metadata', 'annotations', UPSTREAM_IDENTIFIER], value);
    changed = true;
  }
  return changed;
}

/** The files with merge keys on every resource of every YAML file (Kptfiles and non-KRM files untouched). */
export function addMergeKeys(files: Files): Files {
  return editResources(files, addKeys);
}
