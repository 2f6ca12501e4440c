/**
 * Blob-less discovery. A depth-1 fetch of a tag brings every blob of its commit; in a repository whose packages sit
 * in one directory beside the rest of a project (kpt's `package-examples/`), that is nearly all of the memory a
 * sync needs (~140 MiB inflated against ~3 MiB for a kpt-sized one). Where a protocol-v2 server offers the `filter`
 * fetch feature (gitprotocol-v2), discovery fetches commits and trees only (`blob:none`), then the blobs of the
 * package directories it reads, by id, in one more request — the way a partial clone fetches what it checks out.
 */
import { advertisement } from './advertisement.js';
import type { LocalRepo } from './local-repo.js';
import { isTreeMode } from './objects.js';
import { treeAt } from './package-tree.js';
import { fetchObjects } from './upload-pack.js';

const SYMLINK = '120000';
const SUBMODULE = '160000';
/** Symlink hops followed to find a target inside the commit (as git's own limit on link chains, roughly). */
const MAX_LINK_HOPS = 8;

/** A package tree to read, with the commit's root tree its symlinks resolve in. */
export interface PackageAt {
  root: string;
  tree: string;
  /** The package directory, from the root. */
  path: string;
}

/** Whether this operation's server can send commits and trees without blobs. */
export async function canFetchBlobless(repo: LocalRepo): Promise<boolean> {
  const ad = await advertisement(repo, 'git-upload-pack');
  return ad.version === 2 && (ad.caps.get('fetch') ?? '').split(' ').includes('filter');
}

/**
 * Fetches every blob the packages hold (files and symlinks, not submodules) and, hop by hop, the blobs their
 * symlinks lead to inside the commit, so reading a package finds everything it may read.
 */
export async function fetchPackageBlobs(repo: LocalRepo, packages: PackageAt[]): Promise<void> {
  const links: { root: string; path: string; oid: string }[] = [];
  const wants = new Set<string>();
  const visit = (root: string, oid: string, dir: string): void => {
    for (const e of repo.store.tree(oid)) {
      const path = `${dir}/${e.name}`;
      if (isTreeMode(e.mode)) visit(root, e.oid, path);
      else if (e.mode !== SUBMODULE) {
        if (!repo.store.has(e.oid)) wants.add(e.oid);
        if (e.mode === SYMLINK) links.push({ root, path, oid: e.oid });
      }
    }
  };
  for (const p of packages) visit(p.root, p.tree, p.path);
  await fetchObjects(repo, [...wants]);
  for (let hop = 0, pending = links; hop < MAX_LINK_HOPS && pending.length; hop++) {
    const next: typeof links = [];
    const missing = new Set<string>();
    for (const link of pending) {
      const target = linkTarget(repo, link);
      if (!target) continue;
      if (!repo.store.has(target.oid)) missing.add(target.oid);
      if (target.mode === SYMLINK) next.push(target);
    }
    await fetchObjects(repo, [...missing]);
    pending = next;
  }
}

/** The blob a symlink at `path` names inside the commit, or undefined when it leaves the repository or is absent. */
function linkTarget(repo: LocalRepo, link: { root: string; path: string; oid: string }) {
  const text = repo.store.blob(link.oid).toString('utf8');
  if (text.startsWith('/')) return undefined;
  const parts = link.path.split('/').filter(Boolean).slice(0, -1);
  for (const part of text.split('/')) {
    if (part === '..') {
      if (parts.pop() === undefined) return undefined;
    } else if (part !== '.' && part !== '') parts.push(part);
  }
  const dir = treeAt(repo.store, link.root, parts.slice(0, -1).join('/'));
  const entry = dir === undefined ? undefined : repo.store.tree(dir).find((e) => e.name === parts.at(-1));
  if (!entry || isTreeMode(entry.mode) || entry.mode === SUBMODULE) return undefined;
  return { root: link.root, path: parts.join('/'), oid: entry.oid, mode: entry.mode };
}
