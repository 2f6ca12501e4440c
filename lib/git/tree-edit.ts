/** Writing trees into the scratch repository: a package tree from files, and a root tree with one subtree swapped. */
import git from 'isomorphic-git';
import type { TreeEntry } from 'isomorphic-git';
import type { LocalRepo } from './local-repo.js';
import type { Files } from './types.js';

// git orders tree entries by name, comparing directories as if their name ended with '/'.
const sortKey = (e: TreeEntry) => (e.type === 'tree' ? `${e.path}/` : e.path);
const byGitOrder = (a: TreeEntry, b: TreeEntry) => {
  const ka = Buffer.from(sortKey(a));
  const kb = Buffer.from(sortKey(b));
  return Buffer.compare(ka, kb);
};

const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

async function writeEntries(repo: LocalRepo, entries: TreeEntry[]): Promise<string> {
  return git.writeTree({ fs: repo.fs, gitdir: repo.gitdir, tree: [...entries].sort(byGitOrder) });
}

/** Writes `files` (relative paths) as blobs and trees; returns the tree oid. */
export async function writeFilesTree(repo: LocalRepo, files: Files): Promise<string> {
  interface Dir { files: Map<string, string>; dirs: Map<string, Dir> }
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
  const write = async (dir: Dir): Promise<string> => {
    const entries: TreeEntry[] = [];
    for (const [name, content] of dir.files) {
      const oid = await git.writeBlob({ fs: repo.fs, gitdir: repo.gitdir, blob: Buffer.from(content, 'utf8') });
      entries.push({ mode: '100644', path: name, oid, type: 'blob' });
    }
    for (const [name, sub] of dir.dirs) entries.push({ mode: '040000', path: name, oid: await write(sub), type: 'tree' });
    return writeEntries(repo, entries);
  };
  return write(root);
}

/**
 * The root tree with the directory at `path` replaced by `subtree` (or removed when undefined). Directories left
 * empty by a removal are dropped, as git itself never records empty trees.
 */
export async function replaceSubtree(
  repo: LocalRepo,
  rootTree: string | undefined,
  path: string,
  subtree: string | undefined,
): Promise<string> {
  const [head, ...rest] = path.split('/');
  const entries = rootTree
    ? (await git.readTree({ fs: repo.fs, gitdir: repo.gitdir, oid: rootTree, cache: repo.cache })).tree
    : [];
  const existing = entries.find((e) => e.path === head);
  if (existing && existing.type !== 'tree' && rest.length > 0) {
    throw new Error(`git: "${head}" is a file, not a directory, on the path to ${path}`);
  }
  const next = rest.length
    ? await replaceSubtree(repo, existing?.type === 'tree' ? existing.oid : undefined, rest.join('/'), subtree)
    : subtree;
  const kept = entries.filter((e) => e.path !== head);
  if (next !== undefined && next !== EMPTY_TREE) kept.push({ mode: '040000', path: head!, oid: next!, type: 'tree' });
  return writeEntries(repo, kept);
}
