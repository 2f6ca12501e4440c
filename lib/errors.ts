/**
 * Domain errors. Each carries the HTTP code and Kubernetes `Status` reason that docs/api.md assigns to its condition;
 * one middleware turns them into responses, so code that throws never thinks about HTTP.
 */
export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'Invalid'
  | 'ServiceUnavailable'
  | 'InternalError';

export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** A Kubernetes resource as named in error messages, e.g. `packagerevisions.porch.kpt.dev "x"`. */
export interface ResourceRef {
  resource: string;
  group: string;
  name: string;
}

export const describe = (ref: ResourceRef) => `${ref.resource}.${ref.group} "${ref.name}"`;

const details = (ref: ResourceRef): StatusDetails => ({ name: ref.name, group: ref.group, kind: ref.resource });

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends ApiError {
  constructor(message: string, details?: StatusDetails) {
    super(400, 'BadRequest', message, details);
  }
}

export class UnauthorizedError extends ApiError {
  constructor(message = 'Unauthorized') {
    super(401, 'Unauthorized', message);
  }
}

export class ForbiddenError extends ApiError {
  constructor(ref: ResourceRef, why: string) {
    super(403, 'Forbidden', `${describe(ref)} is forbidden: ${why}`, details(ref));
  }
}

export class NotFoundError extends ApiError {
  constructor(ref: ResourceRef) {
    super(404, 'NotFound', `${describe(ref)} not found`, details(ref));
  }
}

export class MethodNotAllowedError extends ApiError {
  constructor(message: string) {
    super(405, 'MethodNotAllowed', message);
  }
}

export class ConflictError extends ApiError {
  /** `Operation cannot be fulfilled on <ref>: <why>`, or `why` alone when no object is named. */
  constructor(ref: ResourceRef | undefined, why: string) {
    super(
      409,
      'Conflict',
      ref ? `Operation cannot be fulfilled on ${describe(ref)}: ${why}` : why,
      ref && details(ref),
    );
  }
}

export const STALE_OBJECT =
  'the object has been modified; please apply your changes to the latest version and try again';

export class GoneError extends ApiError {
  constructor(message: string) {
    super(410, 'Gone', message);
  }
}

export class PayloadTooLargeError extends ApiError {
  constructor(limit: number) {
    super(413, 'RequestEntityTooLarge', `request body is larger than the limit of ${limit} bytes`);
  }
}

/** 422: field-level problems, formatted as Kubernetes does: `<Kind>.<group> "<name>" is invalid: [...]`. */
export class InvalidError extends ApiError {
  constructor(
    readonly kind: string,
    readonly group: string,
    readonly objectName: string,
    readonly causes: StatusCause[],
  ) {
    const list = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
    const text = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
    super(422, 'Invalid', `${kind}.${group} "${objectName}" is invalid: ${text}`, {
      name: objectName,
      group,
      kind,
      causes,
    });
  }
}

/** A field error in Kubernetes wording: `Invalid value: "x": why`. */
export const invalidValue = (field: string, value: unknown, why: string): StatusCause => ({
  reason: 'FieldValueInvalid',
  field,
  message: `Invalid value: ${JSON.stringify(value)}: ${why}`,
});

export const forbiddenField = (field: string, why: string): StatusCause => ({
  reason: 'FieldValueForbidden',
  field,
  message: `Forbidden: ${why}`,
});

export const requiredField = (field: string, why?: string): StatusCause => ({
  reason: 'FieldValueRequired',
  field,
  message: why ? `Required value: ${why}` : 'Required value',
});

/** 503: a dependency (git remote, database) is unreachable; retrying later is safe. */
export class UnavailableError extends ApiError {
  constructor(message: string, retryAfterSeconds = 5) {
    super(503, 'ServiceUnavailable', message, { retryAfterSeconds });
  }
}

/** 500 whose message is safe to show; anything that is not an ApiError is shown as a bare internal error. */
export class InternalError extends ApiError {
  constructor(message: string) {
    super(500, 'InternalError', `Internal error occurred: ${message}`);
  }
}
