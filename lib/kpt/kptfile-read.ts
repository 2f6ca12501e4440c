import { isMap, isSeq, type Document, type YAMLMap } from 'yaml';
import { KptfileError } from './errors.js';
import { lruMemo } from './lru-memo.js';
import type { Condition, ConditionStatus, KptfileUpstream, Lock, PackageMetadata, ReadinessGate } from './types.js';
import { describeYamlError, expandAliases, parseSingleDocument, scalarText } from './yaml-text.js';

/** What the service mirrors from a Kptfile into the PackageRevision (docs/porch-semantics.md §1.2, §6.1). */
export interface KptfileFields {
  name?: string;
  packageMetadata: PackageMetadata;
  readinessGates: ReadinessGate[];
  conditions: Condition[];
  upstream: KptfileUpstream | null;
  upstreamLock: Lock | null;
}

const STATUSES: ConditionStatus[] = ['True', 'False', 'Unknown'];

/** Parses a Kptfile into a YAML document (comments kept); throws KptfileError naming what is wrong. */
export function parseKptfile(text: string): Document {
  const parsed = parseSingleDocument(text);
  if (parsed.error !== undefined) throw new KptfileError(parsed.error);
  try {
    // Before expanding aliases: refuses an alias to no anchor and an alias bomb (each expansion clones its target,
    // so a few hundred bytes could take minutes and gigabytes) with the yaml package's own counting.
    parsed.doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new KptfileError(describeYamlError((err as Error).message));
  }
  const root = expandAliases(parsed.doc).contents;
  if (!isMap(root)) throw new KptfileError(root == null ? 'the file is empty' : 'the top level must be a mapping');
  const kind = stringAt(root, 'kind', 'kind');
  if (kind !== undefined && kind !== 'Kptfile') {
    throw new KptfileError(`kind must be "Kptfile", not ${JSON.stringify(kind)}`);
  }
  const apiVersion = stringAt(root, 'apiVersion', 'apiVersion');
  if (apiVersion !== undefined && !apiVersion.startsWith('kpt.dev/')) {
    throw new KptfileError(`apiVersion must be "kpt.dev/v1", not ${JSON.stringify(apiVersion)}`);
  }
  return parsed.doc;
}

/** Reads the Kptfile-derived fields; throws KptfileError when the Kptfile or one of those fields is malformed. */
export const readKptfile: (text: string) => KptfileFields = lruMemo(
  (text) => fieldsOf(parseKptfile(text).contents as YAMLMap),
  512,
);

/**
 * Kptfile-derived fields of a package for import and display: like Porch, a missing or malformed Kptfile yields
 * empty fields rather than an error, and `problem` says why.
 */
export function deriveKptfileFields(files: Record<string, string>): KptfileFields & { problem?: string } {
  const text = files['Kptfile'];
  if (text === undefined) return { ...emptyFields(), problem: 'package has no Kptfile' };
  try {
    return readKptfile(text);
  } catch (err) {
    if (err instanceof KptfileError) return { ...emptyFields(), problem: err.message };
    throw err;
  }
}

const emptyFields = (): KptfileFields => ({
  packageMetadata: {},
  readinessGates: [],
  conditions: [],
  upstream: null,
  upstreamLock: null,
});

function fieldsOf(root: YAMLMap): KptfileFields {
  const metadata = mapAt(root, 'metadata', 'metadata');
  const info = mapAt(root, 'info', 'info');
  const status = mapAt(root, 'status', 'status');
  const packageMetadata: PackageMetadata = {};
  const labels = metadata && stringMapAt(metadata, 'labels', 'metadata.labels');
  const annotations = metadata && stringMapAt(metadata, 'annotations', 'metadata.annotations');
  if (labels && Object.keys(labels).length) packageMetadata.labels = labels;
  if (annotations && Object.keys(annotations).length) packageMetadata.annotations = annotations;
  return {
    name: metadata && stringAt(metadata, 'name', 'metadata.name'),
    packageMetadata,
    readinessGates: info ? readinessGatesOf(info) : [],
    conditions: status ? conditionsOf(status) : [],
    upstream: upstreamOf(root),
    upstreamLock: upstreamLockOf(root),
  };
}

function readinessGatesOf(info: YAMLMap): ReadinessGate[] {
  return mapsAt(info, 'readinessGates', 'info.readinessGates').map((gate, i) => {
    const conditionType = stringAt(gate, 'conditionType', `info.readinessGates[${i}].conditionType`);
    if (!conditionType) throw new KptfileError(`info.readinessGates[${i}].conditionType is required`);
    return { conditionType };
  });
}

function conditionsOf(status: YAMLMap): Condition[] {
  return mapsAt(status, 'conditions', 'status.conditions').map((item, i) => {
    const field = `status.conditions[${i}]`;
    const type = stringAt(item, 'type', `${field}.type`);
    const value = stringAt(item, 'status', `${field}.status`);
    if (!type) throw new KptfileError(`${field}.type is required`);
    if (!STATUSES.includes(value as ConditionStatus)) {
      throw new KptfileError(`${field}.status must be one of True, False, Unknown, not ${JSON.stringify(value ?? '')}`);
    }
    const condition: Condition = { type, status: value as ConditionStatus };
    const reason = stringAt(item, 'reason', `${field}.reason`);
    const message = stringAt(item, 'message', `${field}.message`);
    if (reason) condition.reason = reason;
    if (message) condition.message = message;
    return condition;
  });
}

function upstreamOf(root: YAMLMap): KptfileUpstream | null {
  const upstream = mapAt(root, 'upstream', 'upstream');
  const git = upstream && mapAt(upstream, 'git', 'upstream.git');
  if (!upstream || !git) return null;
  const result: KptfileUpstream = {
    type: 'git',
    git: {
      repo: stringAt(git, 'repo', 'upstream.git.repo') ?? '',
      directory: stringAt(git, 'directory', 'upstream.git.directory') ?? '',
      ref: stringAt(git, 'ref', 'upstream.git.ref') ?? '',
    },
  };
  const updateStrategy = stringAt(upstream, 'updateStrategy', 'upstream.updateStrategy');
  if (updateStrategy) result.updateStrategy = updateStrategy;
  return result;
}

function upstreamLockOf(root: YAMLMap): Lock | null {
  const lock = mapAt(root, 'upstreamLock', 'upstreamLock');
  const git = lock && mapAt(lock, 'git', 'upstreamLock.git');
  if (!lock || !git) return null;
  const at = (key: string) => stringAt(git, key, `upstreamLock.git.${key}`) ?? '';
  return { type: 'git', git: { repo: at('repo'), directory: at('directory'), ref: at('ref'), commit: at('commit') } };
}

function stringAt(map: YAMLMap, key: string, field: string): string | undefined {
  const node = map.get(key, true);
  if (node === undefined) return undefined;
  const text = scalarText(node);
  if (text === undefined) throw new KptfileError(`${field} must be a string`);
  return text;
}

function mapAt(map: YAMLMap, key: string, field: string): YAMLMap | undefined {
  const node = map.get(key, true);
  if (node === undefined || scalarText(node) === '') return undefined;
  if (!isMap(node)) throw new KptfileError(`${field} must be a mapping`);
  return node;
}

function mapsAt(map: YAMLMap, key: string, field: string): YAMLMap[] {
  const node = map.get(key, true);
  if (node === undefined || scalarText(node) === '') return [];
  if (!isSeq(node)) throw new KptfileError(`${field} must be a list`);
  return node.items.map((item, i) => {
    if (!isMap(item)) throw new KptfileError(`${field}[${i}] must be a mapping`);
    return item;
  });
}

function stringMapAt(map: YAMLMap, key: string, field: string): Record<string, string> | undefined {
  const node = mapAt(map, key, field);
  if (!node) return undefined;
  const result: Record<string, string> = {};
  for (const pair of node.items) {
    const name = scalarText(pair.key);
    const value = scalarText(pair.value ?? null);
    if (name === undefined || value === undefined) throw new KptfileError(`${field} must map strings to strings`);
    result[name] = value;
  }
  return result;
}
