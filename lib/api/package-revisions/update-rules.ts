import { forbiddenField, invalidValue, type StatusCause } from '../../errors.js';
import { LIFECYCLES, type Lifecycle, type PackageRevisionRow } from '../../storage/types.js';
import type { RequestMeta } from './request-fields.js';
import { invalidRevision, LATEST_LABEL } from './refs.js';
import type { PackageRevisionObject } from './to-object.js';

const isPublished = (l: Lifecycle) => l === 'Published' || l === 'DeletionProposed';

/** The lifecycle a PUT asks for, checked against docs/porch-semantics.md §4.2 (422 with Porch's texts). */
export function checkUpdateLifecycle(row: PackageRevisionRow, requested: unknown): Lifecycle {
  const next = (
    requested === undefined || requested === null || requested === '' ? row.lifecycle : requested
  ) as Lifecycle;
  if (!LIFECYCLES.includes(next)) {
    throw invalidRevision(
      row.name,
      invalidValue('spec.lifecycle', next, 'value can be only updated to Draft,Proposed,Published,DeletionProposed'),
    );
  }
  if (!isPublished(row.lifecycle) && isPublished(next)) {
    throw invalidRevision(
      row.name,
      invalidValue('spec.lifecycle', row.lifecycle, 'value can be only updated to Draft,Proposed'),
    );
  }
  if (isPublished(row.lifecycle) && !isPublished(next)) {
    throw invalidRevision(
      row.name,
      invalidValue('spec.lifecycle', next, 'value can be only updated to Published,DeletionProposed'),
    );
  }
  return next;
}

/** The latest label may be neither added, removed nor changed by a client (docs/porch-semantics.md §4.3). */
export function checkLatestLabel(row: PackageRevisionRow, meta: RequestMeta): void {
  const sent = meta.labels?.[LATEST_LABEL];
  const expected = row.latest ? 'true' : undefined;
  if (sent !== expected) {
    throw invalidRevision(
      row.name,
      forbiddenField(`metadata.labels[${LATEST_LABEL}]`, 'label is managed by porch and cannot be modified by users'),
    );
  }
}

const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, value) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)))
      : value,
  );

const COMPARED = [
  'packageName',
  'repository',
  'workspaceName',
  'revision',
  'tasks',
  'readinessGates',
  'packageMetadata',
];

/**
 * A published revision's spec may change only in its lifecycle. Fields the client left out are taken as unchanged,
 * so a client that drops optional fields is not refused.
 */
export function checkPublishedSpec(current: PackageRevisionObject, spec: Record<string, unknown>): void {
  const causes: StatusCause[] = [];
  for (const key of COMPARED) {
    if (!(key in spec)) continue;
    const empty = (v: unknown) =>
      v === undefined ||
      v === null ||
      (Array.isArray(v) && !v.length) ||
      (typeof v === 'object' && !Object.keys(v as object).length);
    const a = current.spec[key];
    const b = spec[key];
    if (empty(a) && empty(b)) continue;
    if (canonical(a) !== canonical(b)) {
      causes.push(
        invalidValue(
          'spec',
          `${key}: ${canonical(b)}`,
          'spec can only update package with lifecycle value one of Draft,Proposed',
        ),
      );
      break;
    }
  }
  if (causes.length) throw invalidRevision(current.metadata.name, ...causes);
}
