/**
 * What the initial list of a watch already showed. Each page of it was read in its own snapshot; a change after the
 * watch's start version that a page's snapshot already saw (for an object in that page's key range) must not be
 * sent again, and one it did not see must be.
 */
import type { ChangeEntry } from '../../storage/change-log.js';

/** True when the snapshot (`xmin:xmax:xip,…`) saw transaction `xid` as committed (PostgreSQL's visibility rule). */
export function snapshotSaw(snapshot: string, xid: string): boolean {
  const [xmin, xmax, xip = ''] = snapshot.split(':');
  const x = BigInt(xid);
  if (x < BigInt(xmin!)) return true;
  if (x >= BigInt(xmax!)) return false;
  return !xip
    .split(',')
    .filter(Boolean)
    .some((id) => BigInt(id) === x);
}

interface PageSnapshot {
  /** The key of the page's last object; undefined for the last page (it covers everything after). */
  upTo?: { namespace: string; name: string };
  snapshot: string;
}

const compareKeys = (a: { namespace: string; name: string }, b: { namespace: string; name: string }) =>
  a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/** The page snapshots of an initial list, in key order (namespace, then name, bytewise like the lists). */
export class SeenChanges {
  private readonly pages: PageSnapshot[] = [];

  /** Records the next page: its last key (none for the last page) and its snapshot. */
  addPage(upTo: { namespace: string; name: string } | undefined, snapshot: string): void {
    this.pages.push({ upTo, snapshot });
  }

  /** Whether the initial list already reflected this change. */
  saw(entry: ChangeEntry): boolean {
    const page = this.pages.find((p) => !p.upTo || compareKeys(entry, p.upTo) <= 0) ?? this.pages.at(-1);
    return page ? snapshotSaw(page.snapshot, entry.xid) : false;
  }
}
