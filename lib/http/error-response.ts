import { ApiError } from '../errors.js';
import { statusBody, type Status } from '../contract/status.js';
import { isConnectionLost } from '../db/pool.js';
import { CONNECTION_EXCEPTION_CLASS, SQLSTATE, sqlStateOf } from '../db/sqlstate.js';

export { statusBody, type Status };

export interface ErrorResponse {
  status: Status;
  /** True when the failure was not a domain error: the caller must log the original error. */
  unexpected: boolean;
}

/** Node's errors of a database connection that never opened. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN']);

/** Connection-level failures of PostgreSQL (refused, reset, server shutting down, too many clients). */
function isDatabaseUnavailable(err: unknown): boolean {
  if (isConnectionLost(err)) return true;
  const code = sqlStateOf(err);
  if (code === undefined) return false;
  return (
    NETWORK_CODES.has(code) ||
    code === SQLSTATE.tooManyConnections ||
    code === SQLSTATE.cannotConnectNow ||
    code.startsWith(CONNECTION_EXCEPTION_CLASS)
  );
}

/** PostgreSQL refusing a text value it cannot hold: a NUL byte (22021, 22P05 in JSON) or invalid UTF-8. */
function isUnstorableText(err: unknown): boolean {
  const code = sqlStateOf(err);
  return code === SQLSTATE.characterNotInRepertoire || code === SQLSTATE.untranslatableCharacter;
}

/**
 * Maps any thrown value to the Status docs/api.md gives it. Domain errors keep their code and message (their texts are
 * written for users); everything else becomes a generic 500 or 503 whose body names no internals, only the
 * request id to look up in the log.
 */
export function toErrorResponse(err: unknown, requestId: string): ErrorResponse {
  if (err instanceof ApiError) {
    return { status: statusBody(err.code, err.reason, err.message, err.details), unexpected: false };
  }
  if (isUnstorableText(err)) {
    // Only a client's string can carry these (writes are translated in lib/db/sql-errors.ts; reads land here).
    return {
      status: statusBody(
        400,
        'BadRequest',
        'invalid request: a name, selector or token holds a NUL byte or invalid UTF-8',
      ),
      unexpected: false,
    };
  }
  if (isDatabaseUnavailable(err)) {
    return {
      status: statusBody(503, 'ServiceUnavailable', 'the database is unavailable; retry later', {
        retryAfterSeconds: 5,
      }),
      unexpected: true,
    };
  }
  return {
    status: statusBody(500, 'InternalError', `Internal error occurred: unexpected failure (request id ${requestId})`),
    unexpected: true,
  };
}
