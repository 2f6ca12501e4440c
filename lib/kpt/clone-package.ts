import { setName, setUpstream, upstreamFromLock } from './kptfile-edit.js';
import { addDeploymentContext } from './package-context.js';
import type { Files, Lock } from './types.js';

export interface CloneOptions {
  /** `spec.packageName` of the new revision; becomes the Kptfile's `metadata.name`. */
  packageName: string;
  /** The upstream's self lock (clone from a revision; null when it has none) or the resolved lock of a git clone. */
  upstreamLock: Lock | null;
  /** Set when the target Repository is a deployment repository: regenerates package-context.yaml. */
  deployment?: { packagePath: string };
}

/**
 * Files of a clone (docs/porch-semantics.md §6): the upstream's files with the Kptfile renamed and pointed at the
 * upstream (`upstream` = lock without commit, `upstreamLock` = lock), plus the deployment package context when asked.
 * Files without a root Kptfile come back unchanged: create then refuses them with Porch's text.
 */
export function cloneFiles(upstreamFiles: Files, opts: CloneOptions): Files {
  const files = pointAtUpstream(upstreamFiles, opts.upstreamLock, opts.packageName);
  return opts.deployment ? addDeploymentContext(files, opts.packageName, opts.deployment.packagePath) : files;
}

/**
 * Renames the root Kptfile (when a name is given) and rewrites its upstream/upstreamLock (when a lock is given), as
 * clone and upgrade do; files without a root Kptfile come back unchanged.
 */
export function pointAtUpstream(files: Files, lock: Lock | null, packageName?: string): Files {
  const kptfile = files['Kptfile'];
  if (kptfile === undefined) return files;
  let text = packageName ? setName(kptfile, packageName) : kptfile;
  if (lock) text = setUpstream(text, upstreamFromLock(lock), lock);
  return { ...files, Kptfile: text };
}
