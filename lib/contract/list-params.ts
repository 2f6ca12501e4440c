import { config } from '../config.js';
import { BadRequestError } from '../errors.js';

export const MAX_LIMIT = 500;

/** Kubernetes list options as this service serves them (docs/api.md "Lists"). */
export interface ListParams {
  /** Page size, 1..500; 500 when absent or 0. */
  limit: number;
  /** Opaque keyset token from the previous page's `metadata.continue`. */
  continue?: string;
  fieldSelector?: string;
  labelSelector?: string;
  /** Response byte budget (LIST_MAX_BYTES): a page may end before `limit` items, with a `continue` token. */
  maxBytes: number;
}

/** True for a list request that asks to watch instead (`watch=true` or `watch=1`, as Kubernetes reads it). */
export const isWatchRequest = (query: Record<string, string>) => query.watch === 'true' || query.watch === '1';

/**
 * Reads `limit`, `continue`, `fieldSelector` and `labelSelector` from a query; a limit that is not a non-negative
 * integer is a 400. Larger limits are capped at 500, as a Kubernetes server may return fewer items than asked for.
 */
export function parseListParams(query: Record<string, string>): ListParams {
  let limit = MAX_LIMIT;
  if (query.limit !== undefined && query.limit !== '') {
    if (!/^\d+$/.test(query.limit)) {
      throw new BadRequestError(`limit must be a non-negative integer, got "${query.limit}"`);
    }
    const n = Number(query.limit);
    limit = n === 0 ? MAX_LIMIT : Math.min(n, MAX_LIMIT);
  }
  const params: ListParams = { limit, maxBytes: config().listMaxBytes };
  if (query.continue) params.continue = query.continue;
  if (query.fieldSelector) params.fieldSelector = query.fieldSelector;
  if (query.labelSelector) params.labelSelector = query.labelSelector;
  return params;
}
