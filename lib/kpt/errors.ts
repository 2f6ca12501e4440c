import { ApiError } from '../errors.js';

/**
 * A Kptfile that cannot be read or edited. It is a 422 (`Invalid`) ApiError, so an API handler may let it
 * through as is; callers that import from git catch it and decide (a bad Kptfile must not fail a whole sync).
 */
export class KptfileError extends ApiError {
  constructor(
    readonly problem: string,
    readonly path = 'Kptfile',
  ) {
    super(422, 'Invalid', `invalid ${path}: ${problem}`, {
      causes: [{ reason: 'FieldValueInvalid', field: path, message: problem }],
    });
  }
}

/** A package file the service refuses to store: unsafe path, missing Kptfile, binary or oversized content. */
export class ResourceError extends ApiError {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(422, 'Invalid', `resource ${shown(path)}: ${problem}`, {
      causes: [{ reason: 'FieldValueInvalid', field: `spec.resources[${path}]`, message: problem }],
    });
  }
}

// A 4 KiB path in an error message helps nobody; its start identifies it.
const shown = (path: string) => JSON.stringify(path.length > 200 ? `${path.slice(0, 200)}…` : path);
