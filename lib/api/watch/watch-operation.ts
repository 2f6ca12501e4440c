import { config } from '../../config.js';
import { ApiError } from '../../errors.js';
import type { Operation } from '../../contract/api-types.js';
import type { SelectorKind } from '../../selectors/field-selector.js';
import { parseWatchOptions } from './watch-options.js';
import { watchHubFor } from './watch-hub.js';
import { runWatch } from './watch-stream.js';
import { watchedResources } from './watched-resources.js';

/**
 * The `watch` operation of a list path (`?watch=true`): parameters are checked before anything is sent (a bad one
 * is a 400), then the response is the stream of newline-delimited watch events.
 */
export function watchOperation(resource: SelectorKind): Operation {
  const watched = watchedResources[resource];
  return async (req) => {
    const cfg = config();
    if (watchHubFor(req.db, cfg.watchPollMs).size >= cfg.watchMaxOpen) {
      throw new ApiError(429, 'TooManyRequests', `too many open watches on this server (${cfg.watchMaxOpen}); retry`, {
        retryAfterSeconds: 1,
      });
    }
    const options = parseWatchOptions(req.query, req.headers, req.params.namespace, resource, cfg.watchMaxSeconds);
    const settings = { pollMs: cfg.watchPollMs, bookmarkMs: cfg.watchBookmarkSeconds * 1000 };
    return {
      status: 200,
      body: undefined,
      // Chunked JSON, as the API server streams a watch; no caching by anything in between.
      headers: { 'content-type': 'application/json', 'cache-control': 'no-cache, no-store' },
      stream: (sink) => runWatch(req.db, watched, options, sink, settings),
    };
  };
}
