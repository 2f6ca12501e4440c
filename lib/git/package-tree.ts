/**
 * Reading packages out of fetched trees (docs/porch-semantics.md §7.1): a directory with a `Kptfile` is a package. Which
 * entries of a package tree are resources (managed) is decided here once, for reading and for publishing.
 */
import { decodeText, resourcePathProblem } from '../kpt/resource-validation.js';
import { hasName, hasTextName, isFileMode, isTreeMode, type TreeEntry } from './objects.js';
import type { ObjectStore } from './object-store.js';
import type { Files } from './types.js';

export const SYMLINK = '120000';
const KPTFILE = 'Kptfile';
// A symlinked Kptfile makes a package too, as in Porch (docs/porch-semantics.md §7.1).
const hasKptfile = (entries: TreeEntry[]) =>
  entries.some((e) => hasName(e, KPTFILE) && (isFileMode(e.mode) || e.mode === SYMLINK));
export const MAX_LINK_HOPS = 8;

/** Where a package sits: its tree, the commit's root tree, and its path from the root. */
export interface PackageLocation {
  tree: string;
  root: string;
  path: string;
}

/**
 * The text a symlink at `linkPath` (from the root) leads to inside the same commit, or undefined when it leaves the
 * repository, loops, or ends at something that is not a text file.
 */
export function followLink(store: ObjectStore, root: string, linkPath: string, entry: TreeEntry): string | undefined {
  let at: { path: string; entry: TreeEntry | undefined } | undefined = { path: linkPath, entry };
  for (let hop = 0; at?.entry && at.entry.mode === SYMLINK && hop < MAX_LINK_HOPS; hop++) {
    at = linkStep(store, root, at.path, at.entry);
  }
  return at?.entry && isFileMode(at.entry.mode) ? decodeText(store.blob(at.entry.oid)) : undefined;
}

/**
 * One hop of a symlink at `linkPath` (its blob must be fetched): the path it names and the entry there, if any;
 * undefined when it leaves the repository.
 */
export function linkStep(store: ObjectStore, root: string, linkPath: string, link: TreeEntry) {
  const target = store.blob(link.oid).toString('utf8');
  if (target.startsWith('/')) return undefined;
  const parts = linkPath.split('/').slice(0, -1);
  for (const part of target.split('/')) {
    if (part === '..') {
      if (parts.pop() === undefined) return undefined;
    } else if (part !== '.' && part !== '') parts.push(part);
  }
  const dir = treeAt(store, root, parts.slice(0, -1).join('/'));
  const entry = dir === undefined ? undefined : store.tree(dir).find((x) => hasName(x, parts.at(-1) ?? ''));
  return { path: parts.join('/'), entry };
}

/** The tree oid at `path` below the root tree, or undefined when the path is absent or not a directory. */
export function treeAt(store: ObjectStore, rootTree: string, path: string): string | undefined {
  let oid = rootTree;
  for (const segment of path.split('/').filter(Boolean)) {
    const entry = store.tree(oid).find((e) => hasName(e, segment));
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
    for (const e of entries)
      if (isTreeMode(e.mode) && hasTextName(e)) visit(e.oid, path ? `${path}/${e.name}` : e.name);
  };
  visit(start, directory);
  return found;
}

/** The package tree at exactly `fullpath`, or undefined when that directory has no Kptfile. */
export function findPackageAt(store: ObjectStore, rootTree: string, fullpath: string): string | undefined {
  const oid = treeAt(store, rootTree, fullpath);
  return oid && hasKptfile(store.tree(oid)) ? oid : undefined;
}

/**
 * The text of a package entry when it is a resource, else undefined: a regular (or executable) file whose name is
 * UTF-8, whose path a resource may have, and whose content is text. Everything else (symlinks, submodules, binaries,
 * names git holds but resources cannot) is left in git as it is: not read, and kept by a publish.
 */
export function managedText(store: ObjectStore, e: TreeEntry, path: string): string | undefined {
  if (!isFileMode(e.mode) || !hasTextName(e) || resourcePathProblem(path) !== undefined) return undefined;
  return decodeText(store.blob(e.oid));
}

/** Called for an entry a package holds that resources cannot (it stays in git untouched). */
export type OnUnmanaged = (path: string, reason: string) => void;

/**
 * All resource files of a package tree, paths relative to the package (see managedText). With the package's
 * location, a symlinked root Kptfile is read through its link.
 */
export function readPackageFiles(
  store: ObjectStore,
  tree: string,
  onUnmanaged?: OnUnmanaged,
  at?: Omit<PackageLocation, 'tree'>,
): Files {
  const files: Files = {};
  const kptfile = store.tree(tree).find((e) => hasName(e, KPTFILE));
  if (at && kptfile?.mode === SYMLINK) {
    const text = followLink(store, at.root, at.path ? `${at.path}/${KPTFILE}` : KPTFILE, kptfile);
    if (text !== undefined) files[KPTFILE] = text;
    else onUnmanaged?.(KPTFILE, 'the Kptfile is a symlink that does not lead to a text file in the repository');
  }
  const visit = (oid: string, prefix: string): void => {
    for (const e of store.tree(oid)) {
      const path = prefix + e.name;
      if (isTreeMode(e.mode)) {
        if (hasTextName(e)) visit(e.oid, `${path}/`);
        else onUnmanaged?.(path, 'the directory name is not UTF-8');
        continue;
      }
      const text = managedText(store, e, path);
      // defineProperty: a file named `__proto__` must stay a file, not become the object's prototype.
      if (text !== undefined)
        Object.defineProperty(files, path, { value: text, enumerable: true, writable: true, configurable: true });
      else if (isFileMode(e.mode) && !hasTextName(e)) onUnmanaged?.(path, 'the file name is not UTF-8');
      else if (isFileMode(e.mode) && resourcePathProblem(path)) onUnmanaged?.(path, resourcePathProblem(path)!);
    }
  };
  visit(tree, '');
  return files;
}
