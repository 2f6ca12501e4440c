/**
 * The package tree of a file set (docs/render.md): every directory with a Kptfile is a package, rendered after its
 * subpackages; each package owns the files below it that no nested package owns, minus those its `.krmignore`
 * names.
 */
import type { Files } from '../kpt/types.js';
import { ignoreMatcher } from './krmignore.js';

export interface PackageNode {
  /** Directory relative to the root package ('' for the root). */
  dir: string;
  children: PackageNode[];
  /** The package's own KRM files (relative to the root), not ignored and not in a subpackage. */
  krmFiles: string[];
}

/** Files kpt reads as resources: the Kptfile and YAML files outside hidden directories. */
export const isKrmPath = (path: string) =>
  !path.split('/').some((part) => part.startsWith('.')) && (/\.ya?ml$/.test(path) || /(^|\/)Kptfile$/.test(path));

const parentDir = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');
const within = (dir: string, path: string) => dir === '' || path.startsWith(`${dir}/`);
const relativeTo = (dir: string, path: string) => (dir === '' ? path : path.slice(dir.length + 1));

/** Builds the tree rooted at the package root; files in no package at all do not occur (the root has a Kptfile). */
export function packageTree(files: Files): PackageNode {
  const dirs = Object.keys(files)
    .filter((p) => p === 'Kptfile' || p.endsWith('/Kptfile'))
    .map(parentDir)
    .sort((a, b) => a.length - b.length);
  const owner = (path: string) => dirs.filter((d) => within(d, path)).reduce((a, b) => (b.length > a.length ? b : a));
  const nodes = new Map<string, PackageNode>(dirs.map((dir) => [dir, { dir, children: [], krmFiles: [] }]));
  for (const dir of dirs) if (dir !== '') nodes.get(parentOf(dirs, dir))!.children.push(nodes.get(dir)!);
  for (const node of nodes.values()) node.children.sort((a, b) => a.dir.localeCompare(b.dir));
  const ignores = new Map(dirs.map((dir) => [dir, ignoreMatcher(files[dir ? `${dir}/.krmignore` : '.krmignore'])]));
  for (const path of Object.keys(files).sort()) {
    if (!isKrmPath(path)) continue;
    const dir = owner(path);
    if (path !== (dir ? `${dir}/Kptfile` : 'Kptfile') && ignores.get(dir)!(relativeTo(dir, path))) continue;
    nodes.get(dir)!.krmFiles.push(path);
  }
  return nodes.get('')!;
}

/** The nearest package directory strictly above `dir`. */
function parentOf(dirs: string[], dir: string): string {
  return dirs.filter((d) => d !== dir && within(d, dir)).reduce((a, b) => (b.length > a.length ? b : a), '');
}

/** Packages in render order: every subpackage before its parent, siblings by name (kpt's depth-first walk). */
export function renderOrder(node: PackageNode): PackageNode[] {
  return [...node.children.flatMap(renderOrder), node];
}
