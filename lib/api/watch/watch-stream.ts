/**
 * One watch, from start to end: the current state as ADDED events (or a check that the requested version is still
 * in the log), then the changes the process's hub hands it, BOOKMARKs when allowed, until the timeout, the server's
 * deadline or the client leaves. Holds no database connection between polls.
 */
import type { Database } from '../../db/pool.js';
import type { StreamSink } from '../../contract/api-types.js';
import { statusBody } from '../../contract/status.js';
import { logger } from '../../log.js';
import { compactedThrough } from '../../storage/change-log-state.js';
import { changeLogHorizon } from '../../storage/change-log.js';
import { readInSnapshot } from '../../storage/snapshot-read.js';
import type { ChangeBatch } from './change-batch.js';
import { SeenChanges } from './seen-changes.js';
import { eventLine, watchEventLines } from './watch-events.js';
import { watchHubFor } from './watch-hub.js';
import type { WatchOptions } from './watch-options.js';
import type { ApiObject, WatchedResource } from './watched-resources.js';

export interface WatchSettings {
  pollMs: number;
  bookmarkMs: number;
}

/** Batches a watch may have waiting; a client that reads slower than this is dropped (it re-watches). */
const MAX_QUEUED_BATCHES = 100;

const bookmark = (resource: WatchedResource, version: string, initialEnd = false) =>
  eventLine('BOOKMARK', {
    kind: resource.kind,
    apiVersion: resource.apiVersion,
    metadata: {
      resourceVersion: version,
      ...(initialEnd ? { annotations: { 'k8s.io/initial-events-end': 'true' } } : {}),
    },
  });

/** Kubernetes' answer to a watch whose position compaction passed: the client re-lists. */
const expiredLine = (version: string, compacted: string) =>
  eventLine('ERROR', statusBody(410, 'Expired', `too old resource version: ${version} (${compacted})`));

/** Sends the current state, page by page, each page read in its own snapshot (recorded to skip what it saw). */
async function sendInitialState(
  db: Database,
  resource: WatchedResource,
  options: WatchOptions,
  sink: StreamSink,
): Promise<SeenChanges> {
  const seen = new SeenChanges();
  let token: string | undefined;
  do {
    const { value: page, snapshot } = await readInSnapshot(db, (q) =>
      resource.listPage(q, {
        namespace: options.namespace,
        fieldSelector: options.fieldSelector,
        labelSelector: options.labelSelector,
        continue: token,
      }),
    );
    const last = page.items.at(-1)?.metadata as { namespace: string; name: string } | undefined;
    seen.addPage(page.continue ? last : undefined, snapshot);
    for (const item of page.items) await sink.write(eventLine('ADDED', item as ApiObject, resource, options));
    token = page.continue;
  } while (token && !sink.signal.aborted);
  return seen;
}

/** Runs one watch to its end. */
export async function runWatch(
  db: Database,
  resource: WatchedResource,
  options: WatchOptions,
  sink: StreamSink,
  settings: WatchSettings,
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let position: string;
  let seen: SeenChanges | undefined;
  if (options.resourceVersion === undefined) {
    // The horizon first: every change up to it is in the state read next; later ones are sent unless a page saw them.
    position = await changeLogHorizon(db);
    if (options.initialEvents) {
      seen = await sendInitialState(db, resource, options, sink);
      if (options.bookmarks) await sink.write(bookmark(resource, position, true));
    }
  } else {
    const compacted = await compactedThrough(db);
    if (BigInt(options.resourceVersion) < BigInt(compacted)) {
      await sink.write(expiredLine(options.resourceVersion, compacted));
      return;
    }
    position = options.resourceVersion;
  }

  const queue: ChangeBatch[] = [];
  let dropped = false;
  let expired: string | undefined;
  let wake: (() => void) | undefined;
  const remove = watchHubFor(db, settings.pollMs).add({
    cursor: position,
    offer(batch) {
      if (queue.length >= MAX_QUEUED_BATCHES) {
        dropped = true;
        wake?.();
        return false;
      }
      queue.push(batch);
      wake?.();
      return true;
    },
    expire(compacted) {
      expired = compacted;
      wake?.();
    },
  });
  const onAbort = () => wake?.();
  sink.signal.addEventListener('abort', onAbort);
  let nextBookmark = Date.now() + settings.bookmarkMs;
  try {
    while (!sink.signal.aborted && !dropped && expired === undefined && Date.now() < deadline) {
      if (queue.length === 0) {
        const until = Math.min(deadline, options.bookmarks ? nextBookmark : deadline) - Date.now();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(0, until));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
      for (let batch = queue.shift(); batch && !sink.signal.aborted; batch = queue.shift()) {
        for (const line of await watchEventLines(resource, options, batch, seen)) await sink.write(line);
        position = batch.through;
      }
      if (options.bookmarks && Date.now() >= nextBookmark) {
        await sink.write(bookmark(resource, position));
        nextBookmark = Date.now() + settings.bookmarkMs;
      }
    }
    if (expired !== undefined) await sink.write(expiredLine(position, expired));
    // Ending on our side (timeout, deadline): tell the client where to re-watch from.
    else if (options.bookmarks && !dropped) await sink.write(bookmark(resource, position));
  } catch (err) {
    logger.warn('watch ended by an error', { resource: resource.name, error: (err as Error).message });
    await sink.write(eventLine('ERROR', statusBody(500, 'InternalError', 'Internal error occurred: watch failed')));
  } finally {
    remove();
    sink.signal.removeEventListener('abort', onAbort);
  }
}
