/**
 * Writing trees into the operation's store: a package tree from its files over what git already holds there, and a
 * root tree with one subtree swapped. Entries outside the package, and the entries inside it that are not
 * resources, are carried over byte for byte (names, modes and object ids), so a publish changes nothing it does not
 * own (docs/limits.md).
 */
import { ResourceError } from '../kpt/errors.js';
import { resourcePathProblem } from '../kpt/resource-validation.js';
import { hasName, hasTextName, isTreeMode, type TreeEntry } from './objects.js';
import type { ObjectStore } from './object-store.js';
import { followLink, managedText, type PackageLocation } from './package-tree.js';
import type { Files } from './types.js';

const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

interface Dir {
  files: Map<string, string>;
  dirs: Map<string, Dir>;
}

function toDirs(files: Files): Dir {
  const root: Dir = { files: new Map(), dirs: new Map() };
  for (const [path, content] of Object.entries(files)) {
    // The last guard before git: a path no checkout can hold (`.git/…`, control characters) never reaches a tree.
    const problem = resourcePathProblem(path);
    if (problem) throw new ResourceError(path, problem);
    const parts = path.split('/');
    let dir = root;
    for (const part of parts.slice(0, -1)) {
      if (!dir.dirs.has(part)) dir.dirs.set(part, { files: new Map(), dirs: new Map() });
      dir = dir.dirs.get(part)!;
    }
    dir.files.set(parts.at(-1)!, content);
  }
  return root;
}

/**
 * Writes `files` (paths relative to the package) as the package tree; returns its oid. With `base` (where the
 * package is on the branch), every entry of it that is not a resource (symlink, submodule, binary, a name resources
 * cannot hold) is kept unless a file or directory of `files` takes its name, a file rewritten in place keeps its
 * mode (the executable bit), and a symlink still leading to the file's content stays a symlink (a symlinked
 * Kptfile). Resources missing from `files` are removed.
 */
export function writeFilesTree(store: ObjectStore, files: Files, base?: PackageLocation): string {
  const fromRoot = (path: string) => (base?.path ? `${base.path}/${path}` : path);
  const write = (dir: Dir, baseOid: string | undefined, prefix: string): string => {
    const entries: TreeEntry[] = [];
    const done = new Set<string>();
    for (const e of baseOid ? store.tree(baseOid) : []) {
      const path = prefix + e.name;
      // Only a UTF-8 name can equal a resource's name; a name that is not UTF-8 is never taken.
      const key = hasTextName(e) ? e.name : undefined;
      const file = key !== undefined && dir.files.has(key) ? key : undefined;
      const sub = key !== undefined && dir.dirs.has(key) ? key : undefined;
      if (isTreeMode(e.mode) && key === undefined) {
        entries.push(e); // a directory whose name is not UTF-8 holds no resources: kept whole
      } else if (isTreeMode(e.mode)) {
        if (file !== undefined) continue; // a resource file replaces the directory
        const oid = write(
          sub !== undefined ? dir.dirs.get(sub)! : { files: new Map(), dirs: new Map() },
          e.oid,
          `${path}/`,
        );
        if (sub !== undefined) done.add(`d:${sub}`);
        if (oid !== EMPTY_TREE) entries.push(oid === e.oid ? e : { ...e, oid });
      } else if (file !== undefined && e.mode === '120000' && base) {
        const content = dir.files.get(file)!;
        entries.push(
          followLink(store, base.root, fromRoot(path), e) === content
            ? e
            : { ...e, mode: '100644', oid: store.writeBlob(content) },
        );
        done.add(`f:${file}`);
      } else if (file !== undefined) {
        const managedMode = e.mode === '100755' ? e.mode : '100644';
        entries.push({ ...e, mode: managedMode, oid: store.writeBlob(dir.files.get(file)!) });
        done.add(`f:${file}`);
      } else if (sub === undefined && managedText(store, e, path) === undefined) {
        entries.push(e); // not a resource, and nothing of the revision takes its name: kept as it is
      }
    }
    for (const [name, content] of dir.files)
      if (!done.has(`f:${name}`)) entries.push({ mode: '100644', name, oid: store.writeBlob(content) });
    for (const [name, sub] of dir.dirs)
      if (!done.has(`d:${name}`)) {
        const oid = write(sub, undefined, `${prefix}${name}/`);
        if (oid !== EMPTY_TREE) entries.push({ mode: '40000', name, oid });
      }
    return entries.length ? store.writeTree(entries) : EMPTY_TREE;
  };
  return write(toDirs(files), base?.tree, '');
}

/**
 * The root tree with the directory at `path` replaced by `subtree` (or removed when undefined). Directories left
 * empty by a removal are dropped, as git itself never records empty trees. Every other entry is kept as read.
 */
export function replaceSubtree(
  store: ObjectStore,
  rootTree: string | undefined,
  path: string,
  subtree: string | undefined,
): string {
  const [head, ...rest] = path.split('/');
  const entries = rootTree ? store.tree(rootTree) : [];
  const existing = entries.find((e) => hasName(e, head!));
  if (existing && !isTreeMode(existing.mode) && rest.length > 0) {
    throw new Error(`git: "${head}" is a file, not a directory, on the path to ${path}`);
  }
  const next = rest.length
    ? replaceSubtree(store, existing && isTreeMode(existing.mode) ? existing.oid : undefined, rest.join('/'), subtree)
    : subtree;
  const kept = entries.filter((e) => e !== existing);
  if (next !== undefined && next !== EMPTY_TREE) kept.push({ mode: '40000', name: head!, oid: next });
  return store.writeTree(kept);
}
