/** The select list, insertable and writable columns of `package_revisions`, shared by its storage modules. */
import { json } from './sql.js';
import type { PackageRevisionRow, StoredMeta } from './types.js';

const LATEST_LABEL = 'kpt.dev/latest-revision';

/** Metadata as stored: the latest label is the `latest` column, never a stored label, whoever writes. */
export function storedMeta(meta: StoredMeta): StoredMeta {
  if (!meta.labels || !(LATEST_LABEL in meta.labels)) return meta;
  const { [LATEST_LABEL]: _latest, ...labels } = meta.labels;
  return { ...meta, labels };
}

/** Fields an update may set; absent fields keep their value, `null` clears a nullable one. */
export type PackageRevisionChanges = Partial<
  Pick<
    PackageRevisionRow,
    | 'revision'
    | 'lifecycle'
    | 'meta'
    | 'spec'
    | 'tasks'
    | 'selfLock'
    | 'upstreamLock'
    | 'conditions'
    | 'publishedBy'
    | 'publishTimestamp'
  >
>;

/** Every column of a package revision as a `PackageRevisionRow` (prefix with a table alias via `revisionColumns`). */
export function revisionColumns(alias = ''): string {
  const a = alias ? `${alias}.` : '';
  return `${a}namespace, ${a}name, ${a}package, ${a}repository, ${a}package_path as "packagePath",
  ${a}package_name as "packageName", ${a}workspace, ${a}revision, ${a}lifecycle, ${a}latest, ${a}uid, ${a}meta,
  ${a}spec, ${a}tasks, ${a}self_lock as "selfLock", ${a}upstream_lock as "upstreamLock", ${a}conditions,
  ${a}published_by as "publishedBy", ${a}publish_timestamp as "publishTimestamp",
  ${a}resource_version::text as "resourceVersion", ${a}created, ${a}updated, ${a}updated_by as "updatedBy"`;
}

export const REVISION_COLUMNS = revisionColumns();

/** The columns every insert into `package_revisions` writes (see `insertList`); the database sets the others. */
export const REVISION_INSERT_COLUMNS = [
  'namespace',
  'name',
  'package',
  'repository',
  'package_path',
  'workspace',
  'revision',
  'lifecycle',
  'uid',
  'meta',
  'spec',
  'tasks',
  'self_lock',
  'upstream_lock',
  'conditions',
  'published_by',
  'publish_timestamp',
  'updated_by',
] as const;

/** Writable field → [column, is jsonb]. Only these names ever reach SQL text. */
export const WRITABLE: Record<string, [string, boolean]> = {
  revision: ['revision', false],
  lifecycle: ['lifecycle', false],
  meta: ['meta', true],
  spec: ['spec', true],
  tasks: ['tasks', true],
  selfLock: ['self_lock', true],
  upstreamLock: ['upstream_lock', true],
  conditions: ['conditions', true],
  publishedBy: ['published_by', false],
  publishTimestamp: ['publish_timestamp', false],
};

/** Builds `set a = $n, …` for the given changes, binding values after `values`' current length. */
export function setList(changes: PackageRevisionChanges, values: unknown[]): string[] {
  const sets: string[] = [];
  for (const [field, value] of Object.entries(changes)) {
    const spec = WRITABLE[field];
    if (!spec || value === undefined) continue;
    const stored = field === 'meta' ? storedMeta(value as StoredMeta) : value;
    values.push(spec[1] ? json(stored) : stored);
    sets.push(`${spec[0]} = $${values.length}${spec[1] ? '::jsonb' : ''}`);
  }
  return sets;
}
