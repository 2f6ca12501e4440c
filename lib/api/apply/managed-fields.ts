/**
 * metadata.managedFields as Kubernetes' field manager keeps them (docs/dry-run-and-apply.md), pure: who owns which
 * field, what an Update takes over, and what an Apply merges, prunes and conflicts with.
 */
import { ApiError, type StatusCause } from '../../errors.js';
import { FieldSet, type FieldPath } from './field-set.js';
import { fromFieldsV1, pathText, toFieldsV1 } from './fields-v1.js';
import { compareFields, fieldSetOf, mergeFields, removeField, withoutNulls } from './object-fields.js';

export type Operation = 'Apply' | 'Update';

export interface ManagedFieldsEntry {
  manager: string;
  operation: Operation;
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
}

interface Owner {
  manager: string;
  operation: Operation;
  apiVersion: string;
  time?: string;
  set: FieldSet;
}

/** Kubernetes' owner of every field of an object that had none when it was first applied to. */
export const BEFORE_FIRST_APPLY = 'before-first-apply';

const keyOf = (o: Pick<Owner, 'manager' | 'operation' | 'apiVersion'>) =>
  JSON.stringify([o.manager, o.operation, o.apiVersion]);

/** Kubernetes timestamps: RFC 3339, whole seconds. */
const stamp = (now: Date) => now.toISOString().replace(/\.\d+Z$/, 'Z');

/** The entries of an object's metadata.managedFields; malformed entries are dropped, as Kubernetes ignores them. */
export function readManagedFields(value: unknown): Map<string, Owner> {
  const owners = new Map<string, Owner>();
  if (!Array.isArray(value)) return owners;
  for (const e of value as Partial<ManagedFieldsEntry>[]) {
    if (!e || typeof e.manager !== 'string' || (e.operation !== 'Apply' && e.operation !== 'Update')) continue;
    const owner: Owner = {
      manager: e.manager,
      operation: e.operation,
      apiVersion: typeof e.apiVersion === 'string' ? e.apiVersion : '',
      ...(typeof e.time === 'string' ? { time: e.time } : {}),
      set: fromFieldsV1(e.fieldsV1),
    };
    owners.set(keyOf(owner), owner);
  }
  return owners;
}

/** The owners as metadata.managedFields, in Kubernetes' order: Apply before Update, then by time and manager. */
export function writeManagedFields(owners: Map<string, Owner>): ManagedFieldsEntry[] {
  return [...owners.values()]
    .filter((o) => o.set.size > 0)
    .sort(
      (a, b) =>
        a.operation.localeCompare(b.operation) ||
        (a.time ?? '').localeCompare(b.time ?? '') ||
        a.manager.localeCompare(b.manager) ||
        a.apiVersion.localeCompare(b.apiVersion),
    )
    .map((o) => ({
      manager: o.manager,
      operation: o.operation,
      apiVersion: o.apiVersion,
      ...(o.time ? { time: o.time } : {}),
      fieldsType: 'FieldsV1' as const,
      fieldsV1: toFieldsV1(o.set),
    }));
}

/** Takes `taken` away from every owner but `self`; answers what each lost. */
function takeFrom(owners: Map<string, Owner>, self: string, taken: FieldSet): Map<string, FieldSet> {
  const lost = new Map<string, FieldSet>();
  for (const [key, owner] of owners) {
    if (key === self) continue;
    const overlap = owner.set.intersect(taken);
    if (overlap.size > 0) lost.set(key, overlap);
  }
  return lost;
}

function dropFields(owners: Map<string, Owner>, self: string, fields: FieldSet) {
  for (const [key, owner] of owners) if (key !== self) owner.set = owner.set.minus(fields);
}

export interface WriteContext {
  manager: string;
  apiVersion: string;
  now: Date;
}

/**
 * The managedFields after a create, replace or merge patch: the writer's Update entry gains the fields it added or
 * changed and loses those it removed; other owners lose them too. `live` is undefined on create. An object that has
 * no managedFields and was not given any stays untracked until its first apply, as in Kubernetes.
 */
export function recordUpdate(
  live: unknown,
  next: unknown,
  given: unknown,
  ctx: WriteContext,
): ManagedFieldsEntry[] | undefined {
  const liveEntries = (live as { metadata?: { managedFields?: unknown } } | undefined)?.metadata?.managedFields;
  const base = Array.isArray(given) ? given : liveEntries;
  if (live !== undefined && !(Array.isArray(base) && base.length > 0)) return Array.isArray(given) ? [] : undefined;
  const owners = readManagedFields(base);
  const { added, removed, modified } = compareFields(live ?? {}, next);
  const changed = added.union(modified);
  const self = keyOf({ manager: ctx.manager, operation: 'Update', apiVersion: ctx.apiVersion });
  dropFields(owners, self, changed.union(removed));
  const previous = owners.get(self);
  const set = (previous?.set ?? new FieldSet()).minus(removed).union(changed);
  const touched = changed.size > 0 || !(previous?.set ?? new FieldSet()).equals(set);
  owners.set(self, {
    manager: ctx.manager,
    operation: 'Update',
    apiVersion: ctx.apiVersion,
    ...(touched ? { time: stamp(ctx.now) } : previous?.time ? { time: previous.time } : {}),
    set,
  });
  return writeManagedFields(owners);
}

/** Kubernetes' printing of a manager in conflict messages. */
function managerText(owner: Owner): string {
  const name = JSON.stringify(owner.manager);
  if (owner.operation === 'Apply') return name;
  return owner.time ? `${name} using ${owner.apiVersion} at ${owner.time}` : `${name} using ${owner.apiVersion}`;
}

/** 409 with the conflicting fields, in Kubernetes' words and causes. */
export class ApplyConflictError extends ApiError {
  constructor(conflicts: { owner: Owner; path: FieldPath }[]) {
    const causes: StatusCause[] = conflicts.map((c) => ({
      reason: 'FieldManagerConflict',
      message: `conflict with ${managerText(c.owner)}`,
      field: pathText(c.path),
    }));
    let message: string;
    if (conflicts.length === 1) {
      message = `Apply failed with 1 conflict: conflict with ${managerText(conflicts[0]!.owner)}: ${pathText(conflicts[0]!.path)}`;
    } else {
      const byManager = new Map<string, string[]>();
      for (const c of conflicts) {
        const text = managerText(c.owner);
        byManager.set(text, [...(byManager.get(text) ?? []), `- ${pathText(c.path)}`]);
      }
      const lines = [...byManager.keys()].sort().flatMap((m) => [`conflicts with ${m}:`, ...byManager.get(m)!]);
      message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
    }
    super(409, 'Conflict', message, { causes });
  }
}

/**
 * Server-side apply of `config` by `ctx.manager` onto `live` (undefined when the object does not exist): the
 * merged object and its managedFields. Fields the manager applied before and no longer applies are removed unless
 * another manager owns them; changing a field another manager owns is a conflict unless `force`, which takes it.
 */
export function applyConfig(live: unknown, config: unknown, force: boolean, ctx: WriteContext) {
  const liveEntries = (live as { metadata?: { managedFields?: unknown } } | undefined)?.metadata?.managedFields;
  const owners = readManagedFields(liveEntries);
  if (live !== undefined && owners.size === 0) {
    const existing = fieldSetOf(live);
    const key = keyOf({ manager: BEFORE_FIRST_APPLY, operation: 'Update', apiVersion: ctx.apiVersion });
    owners.set(key, { manager: BEFORE_FIRST_APPLY, operation: 'Update', apiVersion: ctx.apiVersion, set: existing });
  }
  const self = keyOf({ manager: ctx.manager, operation: 'Apply', apiVersion: ctx.apiVersion });
  const applied = fieldSetOf(config);
  const last = owners.get(self)?.set ?? new FieldSet();
  let merged = mergeFields(live ?? {}, withoutNulls(config));
  owners.set(self, { manager: ctx.manager, operation: 'Apply', apiVersion: ctx.apiVersion, set: applied });
  const ownedByAnyone = [...owners.values()].reduce((all, o) => all.union(o.set), new FieldSet());
  for (const path of last.minus(ownedByAnyone)) merged = removeField(merged, path);
  const { added, removed, modified } = compareFields(live ?? {}, merged);
  const lost = takeFrom(owners, self, added.union(modified));
  if (lost.size > 0 && !force) {
    throw new ApplyConflictError(
      [...lost].flatMap(([key, paths]) => [...paths].map((path) => ({ owner: owners.get(key)!, path }))),
    );
  }
  dropFields(owners, self, added.union(modified).union(removed));
  owners.get(self)!.time = stamp(ctx.now);
  return { object: merged, managedFields: writeManagedFields(owners) };
}
