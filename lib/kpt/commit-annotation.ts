import type { Task } from './types.js';

/** The `kpt:` line Porch writes into commit messages (docs/porch-semantics.md §7.3). */
export interface CommitAnnotation {
  /** Full package path (repository directory included). */
  package?: string;
  workspaceName?: string;
  /** Revision as a decimal string; "0" for drafts. */
  revision?: string;
  task?: Task;
}

// Key order of Porch's Go structs, so our annotations are byte-identical to Porch's.
const KEY_ORDER = [
  'type',
  'init',
  'clone',
  'edit',
  'upgrade',
  'subpackage',
  'description',
  'keywords',
  'site',
  'git',
  'oci',
  'upstreamRef',
  'repo',
  'ref',
  'directory',
  'secretRef',
  'name',
  'image',
  'sourceRef',
  'oldUpstreamRef',
  'newUpstreamRef',
  'localPackageRevisionRef',
  'strategy',
];

function ordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ordered);
  if (value === null || typeof value !== 'object') return value;
  const rank = (key: string) => (KEY_ORDER.includes(key) ? KEY_ORDER.indexOf(key) : KEY_ORDER.length);
  const keys = Object.keys(value).sort((a, b) => rank(a) - rank(b));
  const result: Record<string, unknown> = {};
  for (const key of keys) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined && v !== null) result[key] = ordered(v);
  }
  return result;
}

// Go's encoding/json escapes these for HTML safety; doing the same keeps our lines identical to Porch's.
const goEscape = (json: string) =>
  json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** `kpt:{"package":…,"workspaceName":…,"revision":…,"task":…}`, keys in that order, empty ones left out. */
export function formatAnnotation(annotation: {
  package?: string;
  workspaceName?: string;
  revision?: string | number;
  task?: Task | null;
}): string {
  const body: Record<string, unknown> = {};
  if (annotation.package) body.package = annotation.package;
  if (annotation.workspaceName) body.workspaceName = annotation.workspaceName;
  const revision = annotation.revision === undefined ? '' : String(annotation.revision);
  if (revision) body.revision = revision;
  if (annotation.task) body.task = ordered(annotation.task);
  return `kpt:${goEscape(JSON.stringify(body))}`;
}

/** Appends the annotation the way Porch does: `message + "\n\nkpt:" + json + "\n"`. */
export function annotateMessage(message: string, annotation: Parameters<typeof formatAnnotation>[0]): string {
  return `${message}\n\n${formatAnnotation(annotation)}\n`;
}

/** Every well-formed `kpt:` line of a commit message, in order; malformed lines are skipped, as Porch does. */
export function parseAnnotations(message: string): CommitAnnotation[] {
  const result: CommitAnnotation[] = [];
  for (const raw of message.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('kpt:')) continue;
    let value: unknown;
    try {
      value = JSON.parse(line.slice(4));
    } catch {
      continue;
    }
    const annotation = toAnnotation(value);
    if (annotation) result.push(annotation);
  }
  return result;
}

function toAnnotation(value: unknown): CommitAnnotation | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  const annotation: CommitAnnotation = {};
  for (const key of ['package', 'workspaceName', 'revision'] as const) {
    if (v[key] === undefined || v[key] === null) continue;
    if (typeof v[key] !== 'string') return undefined;
    if (v[key] !== '') annotation[key] = v[key] as string;
  }
  if (v.task !== undefined && v.task !== null) {
    const task = v.task as Record<string, unknown>;
    if (typeof task !== 'object' || Array.isArray(task)) return undefined;
    if (task.type !== undefined && typeof task.type !== 'string') return undefined;
    annotation.task = { ...task, type: (task.type ?? '') as Task['type'] } as Task;
  }
  return annotation;
}

/**
 * Workspace of a tag revision (docs/porch-semantics.md §7.2): the first annotation for `packagePath` with a non-empty
 * workspaceName.
 */
export function workspaceFromMessage(message: string, packagePath: string): string | undefined {
  return parseAnnotations(message).find((a) => a.package === packagePath && a.workspaceName)?.workspaceName;
}

const FIRST_TASK_TYPES = new Set(['init', 'clone', 'edit', 'upgrade']);

/**
 * Task list of a revision recovered from history (docs/porch-semantics.md §7.3). `messages` are commit messages newest
 * first (it may be a lazy iterable: the walk stops at the revision's init or clone). Legacy annotations without
 * workspaceName match on `revision` equal to the workspace. At most one task results.
 */
export function tasksFromHistory(messages: Iterable<string>, packagePath: string, workspaceName: string): Task[] {
  let tasks: Task[] = [];
  for (const message of messages) {
    for (const a of parseAnnotations(message)) {
      const matches = a.workspaceName === workspaceName || (!a.workspaceName && a.revision === workspaceName);
      if (a.package !== packagePath || !matches || !a.task) continue;
      if (FIRST_TASK_TYPES.has(a.task.type)) tasks = [a.task];
      if (a.task.type === 'init' || a.task.type === 'clone') return tasks;
    }
  }
  return tasks;
}
