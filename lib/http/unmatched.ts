import { ApiError, MethodNotAllowedError } from '../errors.js';
import { ignoringBody, withoutDatabase, type Operation } from '../contract/api-types.js';
import { matchRoute } from './routes.js';

/** Kubernetes' answer for a path no route serves. */
export class RouteNotFoundError extends ApiError {
  constructor() {
    super(404, 'NotFound', 'the server could not find the requested resource');
  }
}

/**
 * The catch-all route's operation: 405 when the path is served with other verbs (API Gateway sends a wrong verb to
 * `$default` too), 404 otherwise; the body is never read.
 */
export const answerUnmatched: Operation = ignoringBody(
  withoutDatabase(async (req) => {
    const match = matchRoute(req.method, req.path);
    if (!match.route && match.allowed.length > 0)
      throw new MethodNotAllowedError(`${req.method} is not supported on ${req.path}`);
    throw new RouteNotFoundError();
  }),
);
