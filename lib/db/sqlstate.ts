/**
 * The PostgreSQL error codes (SQLSTATE, appendix A of the PostgreSQL manual) this service decides on, by name: code
 * compares `err.code` with these, never with a literal or with message text.
 */
export const SQLSTATE = {
  notNullViolation: '23502',
  foreignKeyViolation: '23503',
  uniqueViolation: '23505',
  checkViolation: '23514',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
  lockNotAvailable: '55P03',
  queryCanceled: '57014',
  adminShutdown: '57P01',
  crashShutdown: '57P02',
  cannotConnectNow: '57P03',
  tooManyConnections: '53300',
  connectionException: '08000',
  connectionDoesNotExist: '08003',
  connectionFailure: '08006',
  characterNotInRepertoire: '22021',
  untranslatableCharacter: '22P05',
  invalidTextRepresentation: '22P02',
  stringDataRightTruncation: '22001',
  numericValueOutOfRange: '22003',
  datetimeFieldOverflow: '22008',
  invalidDatetimeFormat: '22007',
} as const;

/** Class 08: every connection exception (the class, not one code). */
export const CONNECTION_EXCEPTION_CLASS = '08';

/** The SQLSTATE of a thrown value, when it is a PostgreSQL error. */
export function sqlStateOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
