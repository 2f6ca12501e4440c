import { invalidValue, type StatusCause } from '../../errors.js';
import type { StoredMeta } from '../../storage/types.js';
import { labelErrors } from '../../validation.js';

export type RequestMeta = StoredMeta & { resourceVersion?: string };

/** The value as a plain object, or `{}` when it is not one. */
export function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A map whose values are all strings, or undefined when it is not one. */
export function asStringMap(value: unknown): Record<string, string> | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const entries = Object.entries(value);
  return entries.every(([, v]) => typeof v === 'string')
    ? (Object.fromEntries(entries) as Record<string, string>)
    : undefined;
}

/** The client-settable metadata of a request object (labels, annotations, finalizers, ownerReferences). */
export function readMeta(value: unknown): RequestMeta {
  const m = asRecord(value);
  const meta: RequestMeta = {};
  const labels = asStringMap(m.labels);
  if (labels) meta.labels = labels;
  const annotations = asStringMap(m.annotations);
  if (annotations) meta.annotations = annotations;
  if (Array.isArray(m.finalizers)) meta.finalizers = m.finalizers.filter((f): f is string => typeof f === 'string');
  if (Array.isArray(m.ownerReferences)) meta.ownerReferences = m.ownerReferences;
  if (Array.isArray(m.managedFields)) meta.managedFields = m.managedFields;
  if (typeof m.deletionTimestamp === 'string') meta.deletionTimestamp = m.deletionTimestamp;
  if (typeof m.resourceVersion === 'string' && m.resourceVersion) meta.resourceVersion = m.resourceVersion;
  return meta;
}

/** metadata.labels that Kubernetes would refuse (a key or value no label selector could name), as 422 causes. */
export function labelCauses(labels: Record<string, string> | undefined): StatusCause[] {
  return Object.entries(labels ?? {}).flatMap(([key, value]) =>
    labelErrors(key, value).map(([shown, why]) => invalidValue('metadata.labels', shown, why)),
  );
}
