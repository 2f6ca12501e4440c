/** Turns a batch of changes into one watch's event lines: its resource, namespace and selectors applied. */
import { toTable } from '../../contract/table.js';
import { matchChanges } from '../../storage/change-log-match.js';
import type { ChangeEntry, ChangeType } from '../../storage/change-log.js';
import type { ChangeBatch } from './change-batch.js';
import type { SeenChanges } from './seen-changes.js';
import type { WatchOptions } from './watch-options.js';
import type { ApiObject, WatchedResource } from './watched-resources.js';

type EventType = ChangeType | 'BOOKMARK' | 'ERROR';

/** One newline-terminated watch event; as a one-row Table when the client asked for Tables. */
export function eventLine(
  type: EventType,
  object: unknown,
  resource?: WatchedResource,
  options?: WatchOptions,
): string {
  let shown = object;
  if (resource && options?.table && (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED')) {
    const o = object as ApiObject;
    shown = toTable(
      resource.columns,
      [o],
      { resourceVersion: o.metadata.resourceVersion },
      options.table.includeObject,
    );
  }
  return `${JSON.stringify({ type, object: shown })}\n`;
}

/**
 * The type this watch sees for a change, or undefined when it does not concern it. With selectors an object that
 * enters the selection is ADDED and one that leaves it is DELETED (decided on the object before and after).
 */
function typeFor(entry: ChangeEntry, match: { after: Set<string>; before: Set<string> } | undefined) {
  if (!match) return entry.type;
  const now = match.after.has(entry.resourceVersion);
  if (entry.type === 'DELETED') return now ? 'DELETED' : undefined;
  const before = entry.type === 'MODIFIED' && match.before.has(entry.resourceVersion);
  if (now) return before ? 'MODIFIED' : 'ADDED';
  return before ? 'DELETED' : undefined;
}

/** The lines a watch sends for a batch, in version order. */
export async function watchEventLines(
  resource: WatchedResource,
  options: WatchOptions,
  batch: ChangeBatch,
  seen?: SeenChanges,
): Promise<string[]> {
  const relevant = batch.entries.filter(
    (e) =>
      e.kind === resource.changeKind &&
      (options.namespace === undefined || e.namespace === options.namespace) &&
      !seen?.saw(e),
  );
  if (relevant.length === 0) return [];
  const objects = await resource.objects(batch);
  const match = options.selectorKey
    ? await batch.once(`match:${resource.name}:${options.selectorKey}`, () =>
        matchChanges(batch.db, resource.name, options.fields, options.labels, batch.versionsOf(resource.changeKind)),
      )
    : undefined;
  const lines: string[] = [];
  for (const entry of relevant) {
    const type = typeFor(entry, match);
    const object = objects.get(entry.resourceVersion);
    if (!type || !object) continue;
    const key = `${resource.name}:${entry.resourceVersion}:${type}:${options.table ? `table:${options.table.includeObject}` : 'json'}`;
    lines.push(batch.line(key, () => eventLine(type, object, resource, options)));
  }
  return lines;
}
