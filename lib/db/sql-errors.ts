/**
 * The one place where PostgreSQL errors become domain errors. Decisions are made on the SQLSTATE and the
 * constraint name (our migrations name every rule), never on message text.
 */
import {
  BadRequestError,
  ConflictError,
  InvalidError,
  NotFoundError,
  UnavailableError,
  describe,
  type ResourceRef,
  type StatusCause,
} from '../errors.js';
import { isConnectionLost } from './pool.js';
import { SQLSTATE } from './sqlstate.js';

/** What a failing statement was about, so errors can name the object. */
export interface SqlErrorSubject {
  /** The object written or read. */
  ref: ResourceRef;
  /** Its parent (repository of a package, revision of a resource): what a foreign-key violation reports missing. */
  parent?: ResourceRef;
  /** The revision number being written, for `revision N already exists`. */
  revision?: number;
}

interface PgError extends Error {
  code?: string;
  constraint?: string;
  column?: string;
  detail?: string;
}

const KINDS: Record<string, string> = {
  repositories: 'Repository',
  packages: 'PorchPackage',
  packagerevisions: 'PackageRevision',
  packagerevisionresources: 'PackageRevisionResources',
};

// Column of a trigger-raised error → API field it stands for.
const FIELDS: Record<string, string> = {
  revision: 'spec.revision',
  lifecycle: 'spec.lifecycle',
  workspace: 'spec.workspaceName',
  package_path: 'spec.packageName',
  path: 'spec.packageName',
  repository: 'spec.repository',
  package: 'spec.packageName',
  namespace: 'metadata.namespace',
  name: 'metadata.name',
  uid: 'metadata.uid',
  created: 'metadata.creationTimestamp',
  type: 'spec.type',
  repo_url: 'spec.git.repo',
  branch: 'spec.git.branch',
  directory: 'spec.git.directory',
};

// CHECK constraint → the field and message it reports.
const CHECKS: Record<string, StatusCause> = {
  package_revisions_revision_lifecycle: {
    field: 'spec.revision',
    message:
      'create or update not allowed on column "revision", revision value of 0 is only allowed on when lifecycle is Draft or Proposed',
  },
  package_revisions_revision_range: { field: 'spec.revision', message: 'revision must be -1 or greater' },
  package_revisions_latest_positive: { field: 'spec.revision', message: 'only a positive revision can be the latest' },
  package_revisions_lifecycle_valid: {
    field: 'spec.lifecycle',
    message: 'value can be only one of Draft,Proposed,Published,DeletionProposed',
  },
  package_revisions_workspace_valid: {
    field: 'spec.workspaceName',
    message: 'workspace name is not a valid DNS label',
  },
  package_revisions_name_matches: { field: 'metadata.name', message: 'name must be <package>.<workspaceName>' },
  package_revisions_name_length: { field: 'metadata.name', message: 'must be no more than 253 characters' },
  packages_path_valid: { field: 'spec.packageName', message: 'package path is not a valid path of DNS labels' },
  packages_name_matches: { field: 'metadata.name', message: 'name must be <repository>.<dotted package path>' },
  repositories_name_valid: { field: 'metadata.name', message: 'name is not a valid DNS label' },
  repositories_namespace_valid: { field: 'metadata.namespace', message: 'namespace is not a valid DNS label' },
  resources_path_safe: {
    field: 'spec.resources',
    message:
      'resource path must be relative, normalised and must not leave the package (no "..", "//", "\\" or leading "/")',
  },
};

const invalid = (ref: ResourceRef, cause: StatusCause) =>
  new InvalidError(KINDS[ref.resource] ?? ref.resource, ref.group, ref.name, [
    { reason: 'FieldValueInvalid', ...cause },
  ]);

// Last value of a key detail such as `Key (namespace, package, revision)=(ns, p, 3) already exists.`
function lastKeyValue(detail: string | undefined): string | undefined {
  const m = detail && /\)=\((.*)\)/.exec(detail);
  return m ? m[1]!.split(', ').at(-1) : undefined;
}

function uniqueViolation(e: PgError, s: SqlErrorSubject): Error {
  if (e.constraint === 'package_revisions_revision_unique') {
    const n = s.revision ?? lastKeyValue(e.detail);
    return new ConflictError(s.ref, `create or update not allowed on column "revision", revision ${n} already exists`);
  }
  if (e.constraint === 'packages_namespace_repository_path_key') {
    return new ConflictError(undefined, `package "${s.ref.name}" already exists`);
  }
  if (e.constraint === 'package_revisions_latest_unique') {
    return new ConflictError(s.ref, 'the latest revision of the package changed concurrently; please try again');
  }
  return new ConflictError(undefined, `${describe(s.ref)} already exists`);
}

function checkViolation(e: PgError, s: SqlErrorSubject): Error {
  const constraint = e.constraint ?? '';
  if (constraint.endsWith('_immutable')) {
    return invalid(s.ref, { field: FIELDS[e.column ?? ''] ?? e.column, message: 'field is immutable' });
  }
  if (constraint.endsWith('_transition')) {
    return invalid(s.ref, { field: FIELDS[e.column ?? ''] ?? 'spec.lifecycle', message: e.message });
  }
  return invalid(s.ref, CHECKS[constraint] ?? { message: `violates the rule ${constraint || 'of the storage model'}` });
}

/** Turns a PostgreSQL error into the domain error it stands for; returns anything else unchanged. */
export function translateSqlError(err: unknown, subject: SqlErrorSubject): unknown {
  if (isConnectionLost(err)) return new UnavailableError('the database is unavailable, please retry');
  const e = err as PgError;
  if (!(err instanceof Error) || typeof e.code !== 'string') return err;
  switch (e.code) {
    case SQLSTATE.uniqueViolation:
      return uniqueViolation(e, subject);
    case SQLSTATE.checkViolation:
      return checkViolation(e, subject);
    case SQLSTATE.foreignKeyViolation:
      // A revision's package row went away under it: its last other revision was deleted concurrently.
      if (e.constraint?.startsWith('package_revisions_')) {
        return new ConflictError(subject.ref, 'the package was changed concurrently; please try again');
      }
      return new NotFoundError(subject.parent ?? subject.ref);
    case SQLSTATE.notNullViolation:
      return invalid(subject.ref, { field: FIELDS[e.column ?? ''] ?? e.column, message: 'Required value' });
    case SQLSTATE.serializationFailure:
    case SQLSTATE.deadlockDetected:
      return new ConflictError(subject.ref, 'the object was changed concurrently; please try again');
    case SQLSTATE.lockNotAvailable:
      return new ConflictError(undefined, `another request is already in progress on ${describe(subject.ref)}`);
    case SQLSTATE.queryCanceled:
    case SQLSTATE.tooManyConnections:
      return new UnavailableError('the database is busy, please retry');
    case SQLSTATE.characterNotInRepertoire: // a NUL byte or invalid UTF-8 in a text value
    case SQLSTATE.untranslatableCharacter:
    case SQLSTATE.invalidTextRepresentation:
    case SQLSTATE.stringDataRightTruncation:
    case SQLSTATE.numericValueOutOfRange:
    case SQLSTATE.invalidDatetimeFormat:
    case SQLSTATE.datetimeFieldOverflow:
      return new BadRequestError(`invalid value for ${describe(subject.ref)}: ${e.message}`);
    default:
      return err;
  }
}

/** Runs `fn`, rethrowing any SQL error as its domain error. */
export async function withSqlErrors<T>(subject: SqlErrorSubject, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw translateSqlError(err, subject);
  }
}
