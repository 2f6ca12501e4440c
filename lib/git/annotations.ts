/**
 * Porch's `kpt:` commit-message annotations (porch-behaviour.md §7.3). Kept here, minimal, until lib/kpt exports
 * its own format/parse; then this file re-exports those.
 */
import type { Task } from '../kpt/types.js';

export interface CommitAnnotation {
  package?: string;
  workspaceName?: string;
  revision?: string;
  task?: Task;
}

/** `"\n\nkpt:" + json + "\n"` with keys in Porch's order, empty ones omitted. */
export function formatAnnotation(a: CommitAnnotation): string {
  const json: CommitAnnotation = {};
  if (a.package) json.package = a.package;
  if (a.workspaceName) json.workspaceName = a.workspaceName;
  if (a.revision) json.revision = a.revision;
  if (a.task) json.task = a.task;
  return `\n\nkpt:${JSON.stringify(json)}\n`;
}

/** Every well-formed `kpt:` line of a commit message, in order; malformed ones are ignored as Porch does. */
export function parseAnnotations(message: string): CommitAnnotation[] {
  const result: CommitAnnotation[] = [];
  for (const raw of message.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('kpt:')) continue;
    try {
      const value: unknown = JSON.parse(line.slice(4));
      if (value && typeof value === 'object' && !Array.isArray(value)) result.push(value as CommitAnnotation);
    } catch {
      // Porch logs and skips annotations it cannot parse.
    }
  }
  return result;
}
