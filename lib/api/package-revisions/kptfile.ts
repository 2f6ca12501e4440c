/**
 * The Kptfile work of this service, in one place over lib/kpt: what tasks produce, what create and update write
 * into the Kptfile, and what is derived back out of it.
 */
import { invalidValue, type StatusCause } from '../../errors.js';
import { deriveKptfileFields, readKptfile } from '../../kpt/kptfile-read.js';
import { invalidResources, invalidRevision } from './refs.js';
import { setConditions, setPackageMetadata, setReadinessGates } from '../../kpt/kptfile-edit.js';
import type { Condition, Files, Lock, PackageMetadata, ReadinessGate, Task } from '../../kpt/types.js';

export interface DerivedFields {
  packageMetadata?: PackageMetadata;
  readinessGates?: ReadinessGate[];
  conditions?: Condition[];
  upstreamLock?: Lock;
}

/**
 * docs/porch-semantics.md §4.5 step 10: request labels/annotations merged into the Kptfile; readiness gates replace its
 * list.
 */
export function applyCreateSpec(files: Files, meta?: PackageMetadata, gates?: ReadinessGate[]): Files {
  let text = files['Kptfile'];
  if (text === undefined) return files;
  if (meta) text = setPackageMetadata(text, meta, 'merge');
  if (gates) text = setReadinessGates(text, gates);
  return text === files['Kptfile'] ? files : { ...files, Kptfile: text };
}

/**
 * docs/porch-semantics.md §4.3 on a Draft: given fields replace the Kptfile's. Answers `files` itself when nothing
 * changed.
 */
export function applyDraftUpdate(
  files: Files,
  change: { packageMetadata?: PackageMetadata; readinessGates?: ReadinessGate[]; conditions?: Condition[] },
): Files {
  let text = files['Kptfile'];
  if (text === undefined) return files;
  // Each map replaces the Kptfile's only when sent: a PUT with just annotations keeps the labels (Porch: `!= nil`).
  if (change.packageMetadata) text = setPackageMetadata(text, change.packageMetadata, 'replace');
  if (change.readinessGates) text = setReadinessGates(text, change.readinessGates);
  if (change.conditions) text = setConditions(text, change.conditions);
  return text === files['Kptfile'] ? files : { ...files, Kptfile: text };
}

/** The Kptfile-derived fields of a revision; empty ones are left out. */
export function deriveFromKptfile(files: Files): DerivedFields {
  const f = deriveKptfileFields(files);
  const out: DerivedFields = {};
  if (Object.keys(f.packageMetadata).length) out.packageMetadata = f.packageMetadata;
  if (f.readinessGates.length) out.readinessGates = f.readinessGates;
  if (f.conditions.length) out.conditions = f.conditions;
  if (f.upstreamLock) out.upstreamLock = f.upstreamLock;
  return out;
}

const STATUSES = ['True', 'False', 'Unknown'];

/** `status.conditions` of a PUT body, checked; undefined when not sent (absent or null). */
export function readConditions(value: unknown, causes: StatusCause[]): Condition[] | undefined {
  if (value === undefined || value === null) return undefined;
  const ok =
    Array.isArray(value) &&
    value.every((c) => c && typeof c === 'object' && typeof c.type === 'string' && STATUSES.includes(c.status));
  if (!ok) {
    causes.push(
      invalidValue('status.conditions', value, 'must be a list of {type, status: True|False|Unknown, reason, message}'),
    );
    return undefined;
  }
  return (value as Condition[]).map((c) => ({
    type: c.type,
    status: c.status,
    ...(c.reason ? { reason: String(c.reason) } : {}),
    ...(c.message ? { message: String(c.message) } : {}),
  }));
}

/**
 * docs/porch-semantics.md §4.5 step 10 writes the request's spec into the package's root Kptfile; like Porch, a task
 * that leaves none fails there. Only `init.subpackage` can (init writes into that subdirectory alone,
 * docs/porch-semantics.md §6); the other tasks copy packages.
 */
export function requireCreatedKptfile(name: string, task: Task, files: Files): void {
  if (files['Kptfile'] !== undefined) return;
  const subpackage = task.type === 'init' ? task.init?.subpackage : undefined;
  const why = 'failed to parse Kptfile: Kptfile is missing from the package';
  throw invalidRevision(
    name,
    subpackage
      ? invalidValue(
          'spec.tasks[0].init.subpackage',
          subpackage,
          `${why} (init.subpackage initialises only that subdirectory, leaving no Kptfile at the package root)`,
        )
      : invalidValue('spec.tasks[0].type', task.type, why),
  );
}

/** A revision's files must keep a valid Kptfile at the package root (publishing needs it). */
export function requireKptfile(name: string, files: Files): void {
  const text = files['Kptfile'];
  if (text === undefined) {
    throw invalidResources(
      name,
      invalidValue('spec.resources[Kptfile]', 'Kptfile', 'a Kptfile is required at the package root'),
    );
  }
  readKptfile(text);
}
