/**
 * Reading packages out of fetched trees (docs/porch-behaviour.md §7.1): a directory with a `Kptfile` blob is a package.
 */
import { isFileMode, isTreeMode, type TreeEntry } from './objects.js';
import type { ObjectStore } from './object-store.js';
import type { Files } from './types.js';

const hasKptfile = (entries: TreeEntry[]) => entries.some((e) => e.name === 'Kptfile' && isFileMode(e.mode));

/** The tree oid at `path` below the root tree, or undefined when the path is absent or not a directory. */
export function treeAt(store: ObjectStore, rootTree: string, path: string): string | undefined {
  let oid = rootTree;
  for (const segment of path.split('/').filter(Boolean)) {
    const entry = store.tree(oid).find((e) => e.name === segment);
    if (!entry || !isTreeMode(entry.mode)) return undefined;
    oid = entry.oid;
  }
  return oid;
}

export interface FoundPackage {
  fullpath: string;
  tree: string;
}

/** Every package under `directory`; the walk does not descend into a package (nested Kptfiles belong to it). */
export function findPackages(store: ObjectStore, rootTree: string, directory: string): FoundPackage[] {
  const start = treeAt(store, rootTree, directory);
  if (!start) return [];
  const found: FoundPackage[] = [];
  const visit = (oid: string, path: string): void => {
    const entries = store.tree(oid);
    if (hasKptfile(entries)) {
      found.push({ fullpath: path, tree: oid });
      return;
    }
    for (const e of entries) if (isTreeMode(e.mode)) visit(e.oid, path ? `${path}/${e.name}` : e.name);
  };
  visit(start, directory);
  return found;
}

/** The package tree at exactly `fullpath`, or undefined when that directory has no Kptfile. */
export function findPackageAt(store: ObjectStore, rootTree: string, fullpath: string): string | undefined {
  const oid = treeAt(store, rootTree, fullpath);
  return oid && hasKptfile(store.tree(oid)) ? oid : undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Text of a blob, or undefined for binary content (NUL bytes or invalid UTF-8), which resources cannot hold. */
export function decodeText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** All text files of a package tree, paths relative to the package; symlinks, submodules and binaries are left out. */
export function readPackageFiles(store: ObjectStore, tree: string): Files {
  const files: Files = {};
  const visit = (oid: string, prefix: string): void => {
    for (const e of store.tree(oid)) {
      const path = prefix + e.name;
      if (isTreeMode(e.mode)) visit(e.oid, `${path}/`);
      else if (isFileMode(e.mode)) {
        const text = decodeText(store.blob(e.oid));
        // defineProperty: a file named `__proto__` must stay a file, not become the object's prototype.
        if (text !== undefined)
          Object.defineProperty(files, path, { value: text, enumerable: true, writable: true, configurable: true });
      }
    }
  };
  visit(tree, '');
  return files;
}
