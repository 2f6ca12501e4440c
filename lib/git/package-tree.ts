/** Reading packages out of fetched trees (porch-behaviour.md §7.1): a directory with a `Kptfile` blob is a package. */
import git from 'isomorphic-git';
import type { TreeEntry } from 'isomorphic-git';
import type { LocalRepo } from './local-repo.js';
import type { Files } from './types.js';

const isBlob = (e: TreeEntry) => e.type === 'blob' && (e.mode === '100644' || e.mode === '100755');
const hasKptfile = (entries: TreeEntry[]) => entries.some((e) => e.path === 'Kptfile' && isBlob(e));

async function readEntries(repo: LocalRepo, oid: string): Promise<TreeEntry[]> {
  return (await git.readTree({ fs: repo.fs, gitdir: repo.gitdir, oid, cache: repo.cache })).tree;
}

/** The tree oid at `path` below the root tree, or undefined when the path is absent or not a directory. */
export async function treeAt(repo: LocalRepo, rootTree: string, path: string): Promise<string | undefined> {
  let oid = rootTree;
  for (const segment of path.split('/').filter(Boolean)) {
    const entry = (await readEntries(repo, oid)).find((e) => e.path === segment);
    if (!entry || entry.type !== 'tree') return undefined;
    oid = entry.oid;
  }
  return oid;
}

export interface FoundPackage {
  fullpath: string;
  tree: string;
}

/** Every package under `directory`; the walk does not descend into a package (nested Kptfiles belong to it). */
export async function findPackages(repo: LocalRepo, rootTree: string, directory: string): Promise<FoundPackage[]> {
  const start = await treeAt(repo, rootTree, directory);
  if (!start) return [];
  const found: FoundPackage[] = [];
  const visit = async (oid: string, path: string): Promise<void> => {
    const entries = await readEntries(repo, oid);
    if (hasKptfile(entries)) {
      found.push({ fullpath: path, tree: oid });
      return;
    }
    for (const e of entries) if (e.type === 'tree') await visit(e.oid, path ? `${path}/${e.path}` : e.path);
  };
  await visit(start, directory);
  return found;
}

/** The package tree at exactly `fullpath`, or undefined when that directory has no Kptfile. */
export async function findPackageAt(repo: LocalRepo, rootTree: string, fullpath: string): Promise<string | undefined> {
  const oid = await treeAt(repo, rootTree, fullpath);
  if (!oid) return undefined;
  return hasKptfile(await readEntries(repo, oid)) ? oid : undefined;
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
export async function readPackageFiles(repo: LocalRepo, tree: string): Promise<Files> {
  const files: Files = {};
  const visit = async (oid: string, prefix: string): Promise<void> => {
    for (const e of await readEntries(repo, oid)) {
      const path = prefix + e.path;
      if (e.type === 'tree') await visit(e.oid, `${path}/`);
      else if (isBlob(e)) {
        const { blob } = await git.readBlob({ fs: repo.fs, gitdir: repo.gitdir, oid: e.oid, cache: repo.cache });
        const text = decodeText(blob);
        if (text !== undefined) files[path] = text;
      }
    }
  };
  await visit(tree, '');
  return files;
}
