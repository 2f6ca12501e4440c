/** Server-side printing: the `meta.k8s.io/v1` Table that `kubectl get` asks for with `Accept: …;as=Table`. */

export interface TableColumn<T> {
  name: string;
  /** OpenAPI type of the cell: string, integer, boolean, date (Kubernetes' convention for Age). */
  type: 'string' | 'integer' | 'boolean' | 'date' | 'number';
  format?: string;
  description?: string;
  /** 0 = shown by default; higher only with `-o wide`. */
  priority?: number;
  cell: (item: T) => unknown;
}

interface ObjectWithMeta {
  apiVersion?: string;
  kind?: string;
  metadata?: Record<string, unknown>;
}

/** True when the Accept header asks for a meta.k8s.io Table (any version kubectl offers). */
export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => /;\s*as=Table\b/.test(part) && /;\s*g=meta\.k8s\.io\b/.test(part));
}

/** Whether the client wants the whole object in each row (`includeObject=Object`) or only its metadata. */
function rowObject(item: ObjectWithMeta, include: string | undefined): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return item;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: item.metadata ?? {} };
}

/** Builds a Table of `items` with the given columns; `listMeta` carries `continue` and `resourceVersion`. */
export function toTable<T extends ObjectWithMeta>(
  columns: TableColumn<T>[],
  items: T[],
  listMeta: Record<string, unknown> = {},
  includeObject?: string,
) {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? (c.name === 'Name' ? 'name' : ''),
      description: c.description ?? '',
      priority: c.priority ?? 0,
    })),
    rows: items.map((item) => ({
      cells: columns.map((c) => c.cell(item) ?? ''),
      object: rowObject(item, includeObject),
    })),
  };
}

/** Kubernetes' short "age" rendering (`duration.HumanDuration`): 45s, 5m10s, 3h, 2d4h, 90d, 3y. */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 24 * 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (h < 24 * 365 * 2) return `${d}d`;
  const y = Math.floor(d / 365);
  if (h < 24 * 365 * 8) return d % 365 === 0 ? `${y}y` : `${y}y${d % 365}d`;
  return `${y}y`;
}

/** The Age cell of an object: time since `metadata.creationTimestamp`. */
export function ageOf(item: ObjectWithMeta, now = Date.now()): string {
  const created = item.metadata?.creationTimestamp;
  return typeof created === 'string' ? humanDuration(now - Date.parse(created)) : '<unknown>';
}

/** Answers a list or a single object as JSON, or as a Table when the client asked for one. */
export function listOrTable<T extends ObjectWithMeta>(
  headers: Record<string, string>,
  query: Record<string, string>,
  columns: TableColumn<T>[],
  list: { items: T[]; metadata?: Record<string, unknown> } & Record<string, unknown>,
) {
  if (!wantsTable(headers.accept)) return list;
  return toTable(columns, list.items, list.metadata ?? {}, query.includeObject);
}

/** Answers one object as JSON, or as a one-row Table when the client asked for one. */
export function objectOrTable<T extends ObjectWithMeta>(
  headers: Record<string, string>,
  query: Record<string, string>,
  columns: TableColumn<T>[],
  item: T,
) {
  if (!wantsTable(headers.accept)) return item;
  return toTable(columns, [item], {}, query.includeObject);
}
