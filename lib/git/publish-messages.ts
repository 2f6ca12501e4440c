/** Commit messages Porch writes when publishing (porch-behaviour.md §7.4), with their `kpt:` annotations. */
import type { Task } from '../kpt/types.js';
import { formatAnnotation } from './annotations.js';

const TASK_TEXT: Record<string, string> = {
  init: 'Creating new empty revision',
  clone: 'Creating new revision by cloning',
  edit: 'Creating new revision by copying previous revision',
  upgrade: 'Upgrading revision',
};

/** Message of the draft commit: the task's text, then the annotation with revision "0" and the task. */
export function draftMessage(full: string, workspace: string, task: Task | undefined): string {
  const t: Task = task ?? { type: 'push' };
  const text = TASK_TEXT[t.type] ?? `Intermediate commit: ${t.type}`;
  return `${text}\n${formatAnnotation({ package: full, workspaceName: workspace, revision: '0', task: t })}`;
}

/** Message of the approval commit on the branch. */
export function approvalMessage(full: string, workspace: string, revision: number): string {
  return `Approving package revision ${full}/${revision}${formatAnnotation({ package: full, workspaceName: workspace, revision: String(revision) })}`;
}
