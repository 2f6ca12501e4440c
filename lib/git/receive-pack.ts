/**
 * Ref updates pushed in one stateless smart-HTTP receive-pack request, with a pack of exactly the objects this
 * operation wrote. Every update carries the old value it expects, so the server applies it only if the ref has
 * not moved meanwhile (compare-and-swap); a tag create expects the zero id and fails if the tag exists.
 */
import { FLUSH, PktReader, pktLine } from './pkt-line.js';
import { postService, type LocalRepo } from './local-repo.js';
import { writePack } from './pack-file.js';

/** The all-zero id: "no ref" as an old value (create) or a new value (delete). */
export const ZERO_OID = '0'.repeat(40);

export interface RefUpdate {
  ref: string;
  /** Expected current value; ZERO_OID to create. */
  old: string;
  /** New value; ZERO_OID to delete. */
  new: string;
}

/** Per-ref outcome: undefined when accepted, else the server's reason (`already exists`, `failed to lock` …). */
export type PushReport = Record<string, string | undefined>;

/** Sends the updates (and the written objects unless all are deletes); returns what the server did per ref. */
export async function receivePack(repo: LocalRepo, updates: RefUpdate[]): Promise<PushReport> {
  const caps = 'report-status side-band-64k agent=porch-serverless';
  const lines = updates.map((u, i) => pktLine(`${u.old} ${u.new} ${u.ref}${i === 0 ? `\0${caps}` : ''}\n`));
  const parts = [...lines, FLUSH];
  if (updates.some((u) => u.new !== ZERO_OID)) {
    parts.push(writePack([...repo.store.written].map((oid) => repo.store.get(oid))));
  }
  const reader = new PktReader(await postService(repo, 'git-receive-pack', Buffer.concat(parts)));
  const status: Buffer[] = [];
  try {
    for (let p = await reader.read(); p !== 'flush' && p !== 'end'; p = await reader.read()) {
      if (p === 'delim') continue;
      if (p[0] === 1) status.push(p.subarray(1));
      else if (p[0] === 3) throw new Error(`git push: ${p.subarray(1).toString('utf8').trim()}`);
    }
  } finally {
    await reader.drain().catch(() => undefined);
  }
  const inner = new PktReader([Buffer.concat(status)][Symbol.iterator]() as unknown as AsyncIterator<Uint8Array>);
  const report: PushReport = {};
  for (let p = await inner.read(); p instanceof Buffer; p = await inner.read()) {
    const line = p.toString('utf8').replace(/\n$/, '');
    if (line.startsWith('unpack ') && line !== 'unpack ok') throw new Error(`git push: ${line}`);
    if (line.startsWith('ok ')) report[line.slice(3)] = undefined;
    if (line.startsWith('ng ')) {
      const [ref, ...why] = line.slice(3).split(' ');
      report[ref!] = why.join(' ') || 'rejected';
    }
  }
  for (const u of updates) if (!(u.ref in report)) report[u.ref] = 'no status reported';
  return report;
}
