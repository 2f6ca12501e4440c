/**
 * Blob-less discovery. A depth-1 fetch of a tag brings every blob of its commit; in a repository whose packages sit
 * in one directory beside the rest of a project (kpt's `package-examples/`), that is nearly all of the memory a
 * sync needs (~140 MiB inflated against ~3 MiB for a kpt-sized one). Where a protocol-v2 server offers the `filter`
 * fetch feature (gitprotocol-v2), discovery fetches commits and trees only (`blob:none`), then the blobs of the
 * package directories it reads, by id, in one more request — the way a partial clone fetches what it checks out.
 */
import { advertisement } from './advertisement.js';
import type { LocalRepo } from './local-repo.js';
import { isTreeMode, type TreeEntry } from './objects.js';
import { linkStep, MAX_LINK_HOPS, SYMLINK, type PackageLocation } from './package-tree.js';
import { fetchObjects } from './upload-pack.js';

const SUBMODULE = '160000';

/** Whether this operation's server can send commits and trees without blobs. */
export async function canFetchBlobless(repo: LocalRepo): Promise<boolean> {
  const ad = await advertisement(repo, 'git-upload-pack');
  return ad.version === 2 && (ad.caps.get('fetch') ?? '').split(' ').includes('filter');
}

interface Link {
  root: string;
  path: string;
  entry: TreeEntry;
}

/**
 * Fetches every blob the packages hold (files and symlinks, not submodules) and, hop by hop, the blobs their
 * symlinks lead to inside the commit, so reading a package (followLink included) finds everything it may read.
 */
export async function fetchPackageBlobs(repo: LocalRepo, packages: PackageLocation[]): Promise<void> {
  let links: Link[] = [];
  const wants = new Set<string>();
  const visit = (root: string, oid: string, dir: string): void => {
    for (const e of repo.store.tree(oid)) {
      const path = dir ? `${dir}/${e.name}` : e.name;
      if (isTreeMode(e.mode)) visit(root, e.oid, path);
      else if (e.mode !== SUBMODULE) {
        if (!repo.store.has(e.oid)) wants.add(e.oid);
        if (e.mode === SYMLINK) links.push({ root, path, entry: e });
      }
    }
  };
  for (const p of packages) visit(p.root, p.tree, p.path);
  await fetchObjects(repo, [...wants]);
  for (let hop = 0; hop < MAX_LINK_HOPS && links.length; hop++) {
    const next: Link[] = [];
    const missing = new Set<string>();
    for (const link of links) {
      const at = linkStep(repo.store, link.root, link.path, link.entry);
      if (!at?.entry || isTreeMode(at.entry.mode) || at.entry.mode === SUBMODULE) continue;
      if (!repo.store.has(at.entry.oid)) missing.add(at.entry.oid);
      if (at.entry.mode === SYMLINK) next.push({ root: link.root, path: at.path, entry: at.entry });
    }
    await fetchObjects(repo, [...missing]);
    links = next;
  }
}
