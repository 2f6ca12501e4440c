import { BadRequestError } from '../../errors.js';
import { wantsTable } from '../../contract/table.js';
import { parseFieldSelector, type FieldSelector, type SelectorKind } from '../../selectors/field-selector.js';
import { parseLabelSelector, type LabelSelector } from '../../selectors/label-selector.js';
import { effectiveNamespace } from '../../storage/selector-sql.js';

/** A watch request as Kubernetes defines its parameters (docs/watch-and-events.md). */
export interface WatchOptions {
  namespace?: string;
  fieldSelector?: string;
  labelSelector?: string;
  fields: FieldSelector;
  labels: LabelSelector;
  /** '' when the watch has no selector (then every change of its resource and namespace is sent as it is). */
  selectorKey: string;
  /** The version to send changes after; undefined = now, after the current state as ADDED events. */
  resourceVersion?: string;
  initialEvents: boolean;
  bookmarks: boolean;
  timeoutMs: number;
  /** Set when the client asked for Tables (kubectl get -w): each event's object is a one-row Table. */
  table?: { includeObject?: string };
}

/** Reads the watch parameters of a list request; bad values are a 400 before anything is streamed. */
export function parseWatchOptions(
  query: Record<string, string>,
  headers: Record<string, string>,
  urlNamespace: string | undefined,
  kind: SelectorKind,
  maxSeconds: number,
): WatchOptions {
  const fields = parseFieldSelector(query.fieldSelector, kind);
  const labels = parseLabelSelector(query.labelSelector);
  const rv = query.resourceVersion;
  if (rv !== undefined && rv !== '' && !/^[0-9]{1,18}$/.test(rv)) {
    throw new BadRequestError(`resourceVersion: Invalid value: "${rv.slice(0, 100)}": must be a resource version`);
  }
  const timeout = query.timeoutSeconds;
  if (timeout !== undefined && timeout !== '' && !/^[0-9]{1,9}$/.test(timeout)) {
    throw new BadRequestError(
      `timeoutSeconds: Invalid value: "${timeout.slice(0, 100)}": must be a non-negative integer`,
    );
  }
  const seconds = timeout ? Number(timeout) : 0;
  const fromNow = rv === undefined || rv === '' || rv === '0';
  return {
    namespace: effectiveNamespace(urlNamespace, fields),
    fieldSelector: query.fieldSelector || undefined,
    labelSelector: query.labelSelector || undefined,
    fields,
    labels,
    selectorKey:
      fields.terms.length || labels.requirements.length ? `${query.fieldSelector}\n${query.labelSelector}` : '',
    resourceVersion: fromNow ? undefined : rv,
    initialEvents: fromNow && query.sendInitialEvents !== 'false',
    bookmarks: query.allowWatchBookmarks === 'true' || query.allowWatchBookmarks === '1',
    timeoutMs: Math.min(seconds > 0 ? seconds : maxSeconds, maxSeconds) * 1000,
    ...(wantsTable(headers.accept) ? { table: { includeObject: query.includeObject } } : {}),
  };
}
