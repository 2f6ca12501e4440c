/**
 * Ref updates pushed in one stateless smart-HTTP receive-pack request, with a pack of exactly the objects this
 * operation wrote. Every update carries the old value it expects, so the server applies it only if the ref has
 * not moved meanwhile (compare-and-swap); a tag create expects the zero id and fails if the tag exists.
 */
import { advertisement } from './advertisement.js';
import { GitError, sanitizeReason } from './errors.js';
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

/**
 * Sends the updates (and the written objects unless all are deletes); returns what the server did per ref. With
 * `atomic` (asked only when the server advertises it) the server applies all updates or none.
 */
export async function receivePack(
  repo: LocalRepo,
  updates: RefUpdate[],
  options: { atomic?: boolean } = {},
): Promise<PushReport> {
  const ad = await advertisement(repo, 'git-receive-pack');
  const sideBand = ad.caps.has('side-band-64k');
  const wanted = ['report-status', 'side-band-64k', ...(options.atomic ? ['atomic'] : []), 'agent=porch-serverless'];
  const caps = wanted.filter((c) => ad.caps.has(c.split('=')[0]!));
  const lines = updates.map((u, i) => pktLine(`${u.old} ${u.new} ${u.ref}${i === 0 ? `\0${caps.join(' ')}` : ''}\n`));
  const parts = [...lines, FLUSH];
  if (updates.some((u) => u.new !== ZERO_OID)) {
    parts.push(writePack([...repo.store.written].map((oid) => repo.store.get(oid))));
  }
  const reader = new PktReader(
    await postService(repo, 'git-receive-pack', Buffer.concat(parts), { step: 'push', maxBytes: 1024 * 1024 }),
  );
  const status: Buffer[] = [];
  if (!sideBand) {
    for (let p = await reader.read(); p instanceof Buffer; p = await reader.read()) status.push(pktLine(p));
  }
  // The server's own explanation of a refusal (e.g. its fsck's finding) arrives as progress text on band 2.
  let explanation = '';
  try {
    for (let p = sideBand ? await reader.read() : 'end'; p !== 'flush' && p !== 'end'; p = await reader.read()) {
      if (p === 'delim') continue;
      if (p[0] === 1) status.push(p.subarray(1));
      else if (p[0] === 2 && !explanation)
        explanation = /(error|fatal): .*/.exec(p.subarray(1).toString('latin1'))?.[0] ?? '';
      else if (p[0] === 3) throw new GitError('refused', `git push refused: ${sanitizeReason(p.subarray(1))}`);
    }
  } finally {
    await reader.drain().catch(() => undefined);
  }
  const inner = new PktReader([Buffer.concat(status)][Symbol.iterator]() as unknown as AsyncIterator<Uint8Array>);
  const report: PushReport = {};
  for (let p = await inner.read(); p instanceof Buffer; p = await inner.read()) {
    const line = p.toString('utf8').replace(/\n$/, '');
    if (line.startsWith('unpack ') && line !== 'unpack ok') {
      // An object the server's fsck refuses is refused again on every retry.
      const reason = sanitizeReason(`${line}${explanation ? `: ${explanation}` : ''}`);
      throw new GitError('refused', `git push refused: ${reason}`, /fsck|error: object/.test(reason));
    }
    if (line.startsWith('ok ')) report[line.slice(3)] = undefined;
    if (line.startsWith('ng ')) {
      const [ref, ...why] = line.slice(3).split(' ');
      const reason = why.join(' ') || 'rejected';
      report[ref!] = sanitizeReason(explanation ? `${reason}: ${explanation}` : reason);
    }
  }
  for (const u of updates) if (!(u.ref in report)) report[u.ref] = 'no status reported';
  return report;
}
