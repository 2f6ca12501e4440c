/** The select list, insertable and writable columns of `package_revisions`, shared by its storage modules. */
import { packageRevisionUid } from '../names.js';
import { insertList, json } from './sql.js';
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

/** One new row as an insert writes it; the uid is derived from the name. */
export type NewRevisionRow = Pick<
  PackageRevisionRow,
  'namespace' | 'name' | 'package' | 'repository' | 'packagePath' | 'workspace' | 'revision' | 'lifecycle'
> &
  Partial<Pick<PackageRevisionRow, 'meta' | 'spec' | 'tasks' | 'selfLock' | 'upstreamLock' | 'conditions'>> & {
    publishedBy: string | null;
    /** `now`: the database's clock at the insert. */
    publishTimestamp: Date | null | 'now';
    updatedBy: string;
  };

/** The column list, value expressions and parameters of the insert of one row, every column written. */
export function revisionInsert(r: NewRevisionRow) {
  const params: unknown[] = [];
  const p = (value: unknown, cast = '') => `$${params.push(value)}${cast}`;
  const row = insertList(REVISION_INSERT_COLUMNS, {
    namespace: p(r.namespace),
    name: p(r.name),
    package: p(r.package),
    repository: p(r.repository),
    package_path: p(r.packagePath),
    workspace: p(r.workspace),
    revision: p(r.revision),
    lifecycle: p(r.lifecycle),
    uid: p(packageRevisionUid(r.namespace, r.name)),
    meta: p(json(storedMeta(r.meta ?? {})), '::jsonb'),
    spec: p(json(r.spec ?? {}), '::jsonb'),
    tasks: p(json(r.tasks ?? []), '::jsonb'),
    self_lock: p(json(r.selfLock ?? null), '::jsonb'),
    upstream_lock: p(json(r.upstreamLock ?? null), '::jsonb'),
    conditions: p(json(r.conditions ?? []), '::jsonb'),
    published_by: p(r.publishedBy),
    publish_timestamp: r.publishTimestamp === 'now' ? 'clock_timestamp()' : p(r.publishTimestamp),
    updated_by: p(r.updatedBy),
  });
  return { ...row, params };
}

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
