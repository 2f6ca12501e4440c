/**
 * The file set of an upgrade (docs/porch-behaviour.md §6): the local package moved from the old upstream to the new one
 * with one of kpt's strategies. resource-merge is done per file (three-way: a file changed on one side only takes that
 * side); a file changed differently on both sides is a conflict the caller reports, since no field-level KRM merge runs
 * here.
 */
import type { Files, Lock, MergeStrategy } from '../../kpt/types.js';
import { pointAtUpstream } from '../../kpt/clone-package.js';

export interface UpgradeInput {
  oldUpstream: Files;
  newUpstream: Files;
  local: Files;
  /** The new upstream's self lock: becomes the Kptfile's upstream/upstreamLock. */
  newLock: Lock;
  strategy: MergeStrategy;
}

export type UpgradeResult = { files: Files } | { conflict: string[] } | { modified: string[] };

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
      const modified = changedPaths(oldUpstream, local);
      if (modified.length) return { modified };
      return { files: kptfileFrom(withoutKptfile(newUpstream)) };
    }
    default: {
      const merged: Files = {};
      const conflict: string[] = [];
      const paths = new Set([...Object.keys(oldUpstream), ...Object.keys(newUpstream), ...Object.keys(local)]);
      for (const p of [...paths].sort()) {
        if (p === KPTFILE) continue;
        const [o, n, l] = [oldUpstream[p], newUpstream[p], local[p]];
        const pick = l === o ? n : n === o || l === n ? l : undefined;
        if (pick === undefined && !(l === o || n === o || l === n)) conflict.push(p);
        else if (pick !== undefined) merged[p] = pick;
      }
      if (conflict.length) return { conflict };
      return { files: kptfileFrom(merged) };
    }
  }
}

function withoutKptfile(files: Files): Files {
  const { [KPTFILE]: _kptfile, ...rest } = files;
  return rest;
}
