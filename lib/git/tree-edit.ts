/** Writing trees into the operation's store: a package tree from files, and a root tree with one subtree swapped. */
import { isTreeMode, type TreeEntry } from './objects.js';
import type { ObjectStore } from './object-store.js';
import type { Files } from './types.js';

const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/** Writes `files` (relative paths) as blobs and trees; returns the tree oid. */
export function writeFilesTree(store: ObjectStore, files: Files): string {
  interface Dir {
    files: Map<string, string>;
    dirs: Map<string, Dir>;
  }
  const root: Dir = { files: new Map(), dirs: new Map() };
  for (const [path, content] of Object.entries(files)) {
    const parts = path.split('/');
    let dir = root;
    for (const part of parts.slice(0, -1)) {
      if (!dir.dirs.has(part)) dir.dirs.set(part, { files: new Map(), dirs: new Map() });
      dir = dir.dirs.get(part)!;
    }
    dir.files.set(parts.at(-1)!, content);
  }
  const write = (dir: Dir): string => {
    const entries: TreeEntry[] = [];
    for (const [name, content] of dir.files) entries.push({ mode: '100644', name, oid: store.writeBlob(content) });
    for (const [name, sub] of dir.dirs) entries.push({ mode: '40000', name, oid: write(sub) });
    return store.writeTree(entries);
  };
  return write(root);
}

/**
 * The root tree with the directory at `path` replaced by `subtree` (or removed when undefined). Directories left
 * empty by a removal are dropped, as git itself never records empty trees.
 */
export function replaceSubtree(
  store: ObjectStore,
  rootTree: string | undefined,
  path: string,
  subtree: string | undefined,
): string {
  const [head, ...rest] = path.split('/');
  const entries = rootTree ? store.tree(rootTree) : [];
  const existing = entries.find((e) => e.name === head);
  if (existing && !isTreeMode(existing.mode) && rest.length > 0) {
    throw new Error(`git: "${head}" is a file, not a directory, on the path to ${path}`);
  }
  const next = rest.length
    ? replaceSubtree(store, existing && isTreeMode(existing.mode) ? existing.oid : undefined, rest.join('/'), subtree)
    : subtree;
  const kept = entries.filter((e) => e.name !== head);
  if (next !== undefined && next !== EMPTY_TREE) kept.push({ mode: '40000', name: head!, oid: next });
  return store.writeTree(kept);
}
