import { KptfileError } from './errors.js';
import { setName, setUpstream, upstreamFromLock } from './kptfile-edit.js';
import { addDeploymentContext } from './package-context.js';
import type { Files, Lock } from './types.js';

export interface CloneOptions {
  /** `spec.packageName` of the new revision; becomes the Kptfile's `metadata.name`. */
  packageName: string;
  /** The upstream's self lock (clone from a revision) or the resolved git lock (clone from git). */
  upstreamLock: Lock;
  /** Set when the target Repository is a deployment repository: regenerates package-context.yaml. */
  deployment?: { packagePath: string };
}

/**
 * Files of a clone (docs/porch-behaviour.md §6): the upstream's files with the Kptfile renamed and pointed at the
 * upstream (`upstream` = lock without commit, `upstreamLock` = lock), plus the deployment package context when asked.
 */
export function cloneFiles(upstreamFiles: Files, opts: CloneOptions): Files {
  const files = pointAtUpstream(upstreamFiles, opts.upstreamLock, opts.packageName);
  return opts.deployment ? addDeploymentContext(files, opts.packageName, opts.deployment.packagePath) : files;
}

/** Rewrites the root Kptfile's upstream/upstreamLock (and name when given), as clone and upgrade do. */
export function pointAtUpstream(files: Files, lock: Lock, packageName?: string): Files {
  const kptfile = files['Kptfile'];
  if (kptfile === undefined) throw new KptfileError(`package ${JSON.stringify(packageName ?? '')} is missing Kptfile`);
  let text = setUpstream(kptfile, upstreamFromLock(lock), lock);
  if (packageName) text = setName(text, packageName);
  return { ...files, Kptfile: text };
}

/** Files of an `edit` (copy) task: a verbatim copy of the source revision's files. */
export function copyFiles(source: Files): Files {
  return { ...source };
}
