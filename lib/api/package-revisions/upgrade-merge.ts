/**
 * The file set of an upgrade (docs/porch-semantics.md §6): the local package moved from the old upstream to the new one with one of kpt's
 * strategies. resource-merge is kpt's field-level three-way merge of every resource (lib/kpt/resource-merge.ts);
 * the merge keys are written as kpt writes them on update.
 */
import type { Files, Lock, MergeStrategy } from '../../kpt/types.js';
import { pointAtUpstream } from '../../kpt/clone-package.js';
import { addMergeKeys } from '../../kpt/merge-keys.js';
import { resourceMerge } from '../../kpt/resource-merge.js';

export interface UpgradeInput {
  oldUpstream: Files;
  newUpstream: Files;
  local: Files;
  /** The new upstream's self lock: becomes the Kptfile's upstream/upstreamLock. */
  newLock: Lock;
  strategy: MergeStrategy;
}

export type UpgradeResult = { files: Files } | { modified: string[] };

const KPTFILE = 'Kptfile';

/** Paths whose content differs between two file sets (Kptfile excluded: it carries the upstream lock). */
function changedPaths(a: Files, b: Files): string[] {
  const paths = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...paths].filter((p) => p !== KPTFILE && a[p] !== b[p]).sort();
}

/** Upgrades `local` from `oldUpstream` to `newUpstream`; pure. */
export function upgradeFiles(input: UpgradeInput): UpgradeResult {
  const { oldUpstream, newUpstream, local, newLock, strategy } = input;
  const kptfileFrom = (base: Files) => pointAtUpstream({ ...base, Kptfile: local[KPTFILE] ?? base[KPTFILE]! }, newLock);
  switch (strategy) {
    case 'force-delete-replace':
      return { files: kptfileFrom(withoutKptfile(newUpstream)) };
    case 'copy-merge':
      return { files: kptfileFrom({ ...withoutKptfile(local), ...withoutKptfile(newUpstream) }) };
    case 'fast-forward': {
      // kpt compares with the merge keys added to the origin, as a clone wrote them (docs/porch-semantics.md §6).
      const modified = changedPaths(addMergeKeys(oldUpstream), local);
      if (modified.length) return { modified };
      return { files: kptfileFrom(withoutKptfile(newUpstream)) };
    }
    default:
      return { files: addMergeKeys(pointAtUpstream(resourceMerge(oldUpstream, newUpstream, local), newLock)) };
  }
}

function withoutKptfile(files: Files): Files {
  const { [KPTFILE]: _kptfile, ...rest } = files;
  return rest;
}
