import { annotateMessage } from './commit-annotation.js';
import type { Task } from './types.js';

const TASK_TEXT: Record<string, string> = {
  init: 'Creating new empty revision',
  clone: 'Creating new revision by cloning',
  edit: 'Creating new revision by copying previous revision',
  upgrade: 'Upgrading revision',
  render: 'Rendering package',
};

/** Porch's subject line for a commit made by a task (`Intermediate commit: <type>` for the others). */
export function taskCommitText(type: string): string {
  if (TASK_TEXT[type]) return TASK_TEXT[type];
  return type ? `Intermediate commit: ${type}` : 'Intermediate commit';
}

/**
 * Message of the draft commit C1 of a publish (docs/porch-semantics.md §7.4 step 2): the task text, then the annotation
 * with revision "0" and the revision's first task (`{type: push}` when it has none).
 */
export function draftCommitMessage(opts: { packagePath: string; workspaceName: string; task?: Task }): string {
  const task = opts.task ?? { type: 'push' };
  return annotateMessage(`${taskCommitText(task.type)}\n`, {
    package: opts.packagePath,
    workspaceName: opts.workspaceName,
    revision: '0',
    task,
  });
}

/**
 * Message of the approval commit C2 of a publish (docs/porch-semantics.md §7.4 step 3). `packagePath` is the full path.
 */
export function approvalCommitMessage(opts: { packagePath: string; workspaceName: string; revision: number }): string {
  return annotateMessage(`Approving package revision ${opts.packagePath}/${opts.revision}`, {
    package: opts.packagePath,
    workspaceName: opts.workspaceName,
    revision: opts.revision,
  });
}

/**
 * Message of the commit that removes a revision -1 package from the branch (docs/porch-semantics.md §7.5); it carries
 * no annotation.
 */
export const deletePackageCommitMessage = (packagePath: string) => `Delete ${packagePath}`;
