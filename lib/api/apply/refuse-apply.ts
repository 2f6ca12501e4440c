import type { ApiRequest } from '../../contract/api-types.js';
import { isApply } from '../../contract/write-options.js';
import { ApiError } from '../../errors.js';

/** 415 for a server-side apply where none is served (docs/dry-run-and-apply.md), instead of a silent merge patch. */
export function refuseApply(req: ApiRequest, what: string): void {
  if (isApply(req)) {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `server-side apply is not supported on ${what}; send a merge patch (application/merge-patch+json)`,
    );
  }
}
