import type { Database } from '../db/pool.js';
import type { Queryable } from '../db/queryable.js';
import type { Access, Identity } from '../rbac/types.js';

/** Who made the request, as the gateway's authorizer (or the local server) established it. */
export interface Caller extends Identity {
  /** Recorded as `updated_by` and `publishedBy`. */
  user: string;
}

/** One API request after routing and parsing; what every operation receives. */
export interface ApiRequest {
  /** The route table's operation name, e.g. `list`. */
  operation: string;
  method: string;
  /** Raw request path, e.g. `/apis/porch.kpt.dev/v1alpha1/namespaces/ns/packagerevisions`. */
  path: string;
  /** Path parameters (`namespace`, `name`), URL-decoded. Absent `namespace` means an all-namespaces list. */
  params: Record<string, string>;
  /** Query parameters; the first value wins when a key repeats. */
  query: Record<string, string>;
  /** Request headers with lower-case names. */
  headers: Record<string, string>;
  /** Parsed JSON or YAML body; undefined when the request has none. */
  body: unknown;
  caller: Caller;
  /**
   * `dryRun=All` (docs/dry-run-and-apply.md): `db` then never commits (its writes are rolled back after the
   * operation), and the operation must not write to anything else (no sync trigger, no git push).
   */
  dryRun: boolean;
  /** The caller's RBAC permissions, for checks that depend on the body (docs/access-control.md). */
  access: Access;
  /** The container's database, opened before the operation runs (except for operations marked `withoutDatabase`). */
  db: Database;
  /** Opens (or returns) the database; for operations that bound the wait themselves, such as /healthz. */
  database: () => Promise<Database>;
  requestId: string;
}

/**
 * Builds the RBAC access of a request's caller, reading RBAC objects through `db` (lib/api's `createAccess`); the
 * handler factory receives it from the entry point, so lib/http needs no import of lib/api.
 */
export type AccessFactory = (db: Queryable, identity: Identity, adminGroup: string) => Access;

/** A request to an operation that needs no database: static documents answer even while it is down. */
export type StaticRequest = Omit<ApiRequest, 'db' | 'access'>;

/** Where a streamed response goes: each write resolves once the client took it (or the stream was closed). */
export interface StreamSink {
  write(chunk: string): Promise<void>;
  /** Aborted when the client went away or the server must end the response (a deadline). */
  signal: AbortSignal;
}

/** A response body produced over time (a watch); it ends when the returned promise settles. */
export type ResponseStream = (sink: StreamSink) => Promise<void>;

/** What an operation returns; the handler serialises `body` as JSON, or runs `stream` when there is one. */
export interface ApiResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  stream?: ResponseStream;
}

export type Operation = (req: ApiRequest) => Promise<ApiResult>;

export type Operations = Record<string, Operation>;

/**
 * Checks a parsed request body before its operation runs (e.g. fields the kind does not know); answers the warnings
 * to send as `Warning` headers, or throws the 400. `routePath` is the route table's path, with `{param}`s.
 */
export type BodyCheck = (
  routePath: string,
  method: string,
  body: unknown,
  fieldValidation: string | undefined,
) => string[];

const BODY_CHECK = Symbol('bodyCheck');

/** Gives the handler factory the body check of a set of operations (so lib/http needs no import of lib/api). */
export function checkingBodies(operations: Operations, check: BodyCheck): Operations {
  return Object.assign(operations, { [BODY_CHECK]: check });
}

/** The body check given with `checkingBodies`, if any. */
export const bodyCheckOf = (operations: Operations): BodyCheck | undefined =>
  (operations as { [BODY_CHECK]?: BodyCheck })[BODY_CHECK];

const IGNORES_BODY = Symbol('ignoresBody');

/** Marks an operation that never reads the body (e.g. a 405 answer), so the handler does not parse or check it. */
export function ignoringBody(operation: Operation): Operation {
  return Object.assign(operation, { [IGNORES_BODY]: true });
}

const WITHOUT_DATABASE = Symbol('withoutDatabase');

/** Marks an operation that does not use `req.db`, so the handler does not wait for the database before it runs. */
export function withoutDatabase(operation: (req: StaticRequest) => Promise<ApiResult>): Operation {
  return Object.assign(operation, { [WITHOUT_DATABASE]: true });
}

/** True for operations marked with `withoutDatabase`. */
export const needsDatabase = (operation: Operation) =>
  (operation as { [WITHOUT_DATABASE]?: boolean })[WITHOUT_DATABASE] !== true;

/** True for operations marked with `ignoringBody`. */
export const ignoresBody = (operation: Operation) => (operation as { [IGNORES_BODY]?: boolean })[IGNORES_BODY] === true;

/** The body of a POST, PUT or PATCH: the handler has already refused any that is not a single object. */
export const objectBody = (req: Pick<ApiRequest, 'body'>) => req.body as Record<string, unknown>;
