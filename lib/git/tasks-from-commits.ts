/** Tasks recovered from `kpt:` annotations (porch-behaviour.md §7.3); pure. */
import type { Task } from '../kpt/types.js';
import { parseAnnotations } from './annotations.js';

const FIRST_TASK_TYPES = new Set(['init', 'clone', 'edit', 'upgrade']);

/** True when an annotation belongs to (package fullpath, workspace), including legacy ones without a workspace. */
function matches(a: { package?: string; workspaceName?: string; revision?: string }, full: string, ws: string) {
  return a.package === full && (a.workspaceName === ws || (!a.workspaceName && a.revision === ws));
}

/**
 * The task list from commit messages given newest first: the newest matching first-task annotation wins, and an
 * init or clone ends the search (it starts the revision). At most one task results.
 */
export function tasksFromMessages(messages: string[], full: string, workspace: string): Task[] {
  let tasks: Task[] = [];
  for (const message of messages) {
    for (const a of parseAnnotations(message)) {
      if (!matches(a, full, workspace) || !a.task || !FIRST_TASK_TYPES.has(a.task.type)) continue;
      tasks = [a.task];
      if (a.task.type === 'init' || a.task.type === 'clone') return tasks;
    }
  }
  return tasks;
}

/** The workspace a tagged commit names for the package: first annotation with that package and a workspace. */
export function workspaceFromMessage(message: string, full: string): string | undefined {
  return parseAnnotations(message).find((a) => a.package === full && a.workspaceName)?.workspaceName;
}

/** True when the message carries any annotation for the package (an approval commit written by Porch). */
export function mentionsPackage(message: string, full: string): boolean {
  return parseAnnotations(message).some((a) => a.package === full);
}
