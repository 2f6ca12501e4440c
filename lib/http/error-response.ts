import { ApiError } from '../errors.js';
import { statusBody, type Status } from '../contract/status.js';
import { isConnectionLost } from '../db/pool.js';

export { statusBody, type Status };

export interface ErrorResponse {
  status: Status;
  /** True when the failure was not a domain error: the caller must log the original error. */
  unexpected: boolean;
}

/** Connection-level failures of PostgreSQL (refused, reset, server shutting down, too many clients). */
function isDatabaseUnavailable(err: unknown): boolean {
  if (isConnectionLost(err)) return true;
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string') return false;
  return (
    ['ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', '53300', '57P03'].includes(code) || code.startsWith('08')
  );
}

/** PostgreSQL refusing a text value it cannot hold: a NUL byte (22021, 22P05 in JSON) or invalid UTF-8. */
function isUnstorableText(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === '22021' || code === '22P05';
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
