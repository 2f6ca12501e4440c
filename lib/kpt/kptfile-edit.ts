import { isMap, isSeq, YAMLMap, type Document } from 'yaml';
import { KptfileError } from './errors.js';
import { parseKptfile } from './kptfile-read.js';
import type { Condition, KptfileUpstream, Lock, PackageMetadata, ReadinessGate } from './types.js';
import { deleteAndPrune, ensureMap, ensureSeq, KEY_ORDER, setString, syncStringMap } from './yaml-map.js';
import { detectStyle, scalarText, stringifyDocuments } from './yaml-text.js';

/**
 * Applies `edit` to the parsed Kptfile and serialises it in the file's own style. Comments survive; a Kptfile
 * the edit leaves equal is returned byte for byte. Throws KptfileError when the Kptfile is malformed.
 */
export function editKptfile(text: string, edit: (doc: Document, root: YAMLMap) => void): string {
  const doc = parseKptfile(text);
  const style = detectStyle(text);
  const before = doc.toString();
  edit(doc, doc.contents as YAMLMap);
  return doc.toString() === before ? text : stringifyDocuments([doc], style);
}

/**
 * Writes `spec.packageMetadata` into Kptfile `metadata.labels`/`annotations`. `replace` (PR update,
 * docs/porch-semantics.md §4.3) makes each map given equal to it; `merge` (create, docs/porch-semantics.md §4.5 step
 * 10) upserts its keys. A map left out is not touched.
 */
export function setPackageMetadata(text: string, meta: PackageMetadata, mode: 'replace' | 'merge'): string {
  return editKptfile(text, (doc, root) => {
    for (const key of ['labels', 'annotations'] as const) {
      const desired = meta[key];
      if (!desired) continue;
      const metadata = ensureMap(doc, root, 'metadata', KEY_ORDER.root);
      const map = ensureMap(doc, metadata, key, KEY_ORDER.metadata);
      syncStringMap(map, desired, mode);
      if (map.items.length === 0) metadata.delete(key);
      if (metadata.items.length === 0) root.delete('metadata');
    }
  });
}

/**
 * Makes Kptfile `info.readinessGates` hold exactly the given gates (as Porch does): gates already there keep their
 * place and comments, new ones are appended in request order, duplicates collapse.
 */
export function setReadinessGates(text: string, gates: ReadinessGate[]): string {
  return editKptfile(text, (doc, root) => {
    const wanted = [...new Set(gates.map((g) => g.conditionType))];
    const info = root.get('info', true);
    const current = isMap(info) ? info.get('readinessGates', true) : undefined;
    const kept = new Set<string>();
    const items = isSeq(current)
      ? current.items.filter((item) => {
          const type = isMap(item) ? scalarText(item.get('conditionType', true)) : undefined;
          if (type === undefined || !wanted.includes(type) || kept.has(type)) return false;
          kept.add(type);
          return true;
        })
      : [];
    if (wanted.length === 0) return deleteAndPrune(root, 'info', 'readinessGates');
    const seq = ensureSeq(doc, ensureMap(doc, root, 'info', KEY_ORDER.root), 'readinessGates', KEY_ORDER.info);
    seq.items = [...items, ...wanted.filter((t) => !kept.has(t)).map((t) => doc.createNode({ conditionType: t }))];
  });
}

/**
 * Makes Kptfile `status.conditions` exactly the given list (PR update, docs/porch-semantics.md §4.3): existing
 * conditions of a wanted type are updated in place (comments kept), others are dropped, new ones appended; the last
 * entry of a type wins.
 */
export function setConditions(text: string, conditions: Condition[]): string {
  conditions.forEach((c, i) => {
    // Refused here so a Kptfile that later reads would reject is never written.
    if (!c.type) throw new KptfileError(`status.conditions[${i}].type is required`);
    if (!['True', 'False', 'Unknown'].includes(c.status)) {
      throw new KptfileError(`status.conditions[${i}].status must be one of True, False, Unknown`);
    }
  });
  return editKptfile(text, (doc, root) => {
    const wanted = new Map(conditions.map((c) => [c.type, c]));
    if (wanted.size === 0) return deleteAndPrune(root, 'status', 'conditions');
    const status = root.get('status', true);
    const current = isMap(status) ? status.get('conditions', true) : undefined;
    const items: unknown[] = [];
    for (const item of isSeq(current) ? current.items : []) {
      const condition = isMap(item) ? wanted.get(scalarText(item.get('type', true)) ?? '') : undefined;
      if (!condition || !isMap(item)) continue;
      writeCondition(item, condition);
      items.push(item);
      wanted.delete(condition.type);
    }
    for (const condition of wanted.values()) {
      const item = new YAMLMap(doc.schema);
      writeCondition(item, condition);
      items.push(item);
    }
    ensureSeq(doc, ensureMap(doc, root, 'status', KEY_ORDER.root), 'conditions', KEY_ORDER.status).items = items;
  });
}

function writeCondition(item: YAMLMap, condition: Condition): void {
  setString(item, 'type', condition.type, KEY_ORDER.condition);
  setString(item, 'status', condition.status, KEY_ORDER.condition);
  for (const key of ['reason', 'message'] as const) {
    const value = condition[key];
    if (value) setString(item, key, value, KEY_ORDER.condition);
    else item.delete(key);
  }
}

/**
 * Points the Kptfile at its upstream (clone/upgrade, docs/porch-semantics.md §4.6, §6): sets `upstream` and
 * `upstreamLock` as kpt's UpdateUpstream does, including its normalisation (`.git` appended to the repo URL, leading
 * `/` of the directory removed) and dropping fields the new values do not carry (e.g. an old `updateStrategy`).
 */
export function setUpstream(text: string, upstream: KptfileUpstream, lock: Lock): string {
  return editKptfile(text, (doc, root) => {
    const { type, git, updateStrategy } = upstream;
    writeLocator(doc, root, 'upstream', { type, git: normaliseGit(git), updateStrategy });
    writeLocator(doc, root, 'upstreamLock', { type: lock.type, git: normaliseGit(lock.git) });
  });
}

/** kpt's normalisation of git locators written into a Kptfile. */
export function normaliseGit<T extends { repo: string; directory: string }>(git: T): T {
  const repo = git.repo.endsWith('.git') ? git.repo : `${git.repo}.git`;
  return { ...git, repo, directory: git.directory.replace(/^\/+/, '') };
}

type GitFields = Partial<Record<(typeof KEY_ORDER.git)[number], string>>;

interface LocatorFields {
  type: string;
  git: GitFields;
  updateStrategy?: string;
}

function writeLocator(doc: Document, root: YAMLMap, key: string, value: LocatorFields) {
  const map = ensureMap(doc, root, key, KEY_ORDER.root);
  map.items = map.items.filter((p) => ['type', 'git', 'updateStrategy'].includes(scalarText(p.key) ?? ''));
  setString(map, 'type', value.type, KEY_ORDER.upstream);
  const git = ensureMap(doc, map, 'git', KEY_ORDER.upstream);
  git.items = git.items.filter((p) => (KEY_ORDER.git as readonly string[]).includes(scalarText(p.key) ?? ''));
  for (const name of KEY_ORDER.git) {
    const v = value.git[name];
    if (v) setString(git, name, v, KEY_ORDER.git);
    else git.delete(name);
  }
  if (value.updateStrategy) setString(map, 'updateStrategy', value.updateStrategy, KEY_ORDER.upstream);
  else map.delete('updateStrategy');
}

/** Sets Kptfile `metadata.name` (Porch sets it to `spec.packageName` on clone). */
export function setName(text: string, name: string): string {
  return editKptfile(text, (doc, root) => {
    setString(ensureMap(doc, root, 'metadata', KEY_ORDER.root), 'name', name, KEY_ORDER.metadata);
  });
}

/** The Kptfile `upstream` that points at a revision with the given self lock (Porch: the lock without its commit). */
export function upstreamFromLock(lock: Lock): KptfileUpstream {
  return { type: 'git', git: { repo: lock.git.repo, directory: lock.git.directory, ref: lock.git.ref } };
}
