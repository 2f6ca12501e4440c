/**
 * Fetches exactly the objects wanted, in one stateless smart-HTTP upload-pack request with many `want` lines,
 * negotiated from the server's advertisement (gitprotocol-pack, gitprotocol-v2, gitprotocol-capabilities): only
 * advertised capabilities are sent, `deepen` only where `shallow` is advertised (a server that ignores it sends
 * history instead, within the pack bounds), a filter only where advertised; the pack is unpacked into the
 * operation's in-memory store within its bounds.
 */
import { type Advertisement, advertisement } from './advertisement.js';
import { GitError, sanitizeReason } from './errors.js';
import { FLUSH, PktReader, pktLine } from './pkt-line.js';
import { postService, type LocalRepo } from './local-repo.js';
import { unpack } from './pack-file.js';

export interface FetchOptions {
  /** Commits of history to include per want: 1 = the wanted commits only. Omit for full history. */
  depth?: number;
  /** A partial-clone filter such as `tree:0` (commits only); sent only to servers that advertise filters. */
  filter?: string;
  /**
   * Advertised commits whose parents the wants are. A server that serves only advertised tips (and says so by not
   * advertising reachable wants) is asked for these, one commit deeper, instead.
   */
  parentsOf?: string[];
}

/** A fetch the server refused or broke off (as opposed to the network or the bounds failing). */
export function isFetchRefusal(err: unknown): err is GitError {
  return err instanceof GitError && (err.code === 'refused' || err.code === 'protocol');
}

/** Downloads the wanted objects (commit oids) and everything they need into the store. */
export async function fetchObjects(repo: LocalRepo, wants: string[], opts: FetchOptions = {}): Promise<void> {
  const unique = [...new Set(wants)].filter((oid) =>
    opts.filter ? !repo.store.has(oid) : !repo.store.hasComplete(oid),
  );
  if (unique.length === 0) return;
  const ad = await advertisement(repo, 'git-upload-pack');
  let request = { wants: unique, depth: opts.depth };
  if (ad.version === 0 && !allowsAnyReachable(ad) && opts.parentsOf && unique.some((w) => !advertisedOid(ad, w))) {
    request = { wants: opts.parentsOf, depth: (opts.depth ?? 1) + 1 };
  }
  const body =
    ad.version === 2
      ? requestV2(ad, request.wants, request.depth, opts.filter)
      : requestV0(ad, request.wants, request.depth, opts.filter);
  const reader = new PktReader(
    await postService(repo, 'git-upload-pack', body, {
      ...(ad.version === 2 ? { protocol: 'version=2' } : {}),
      step: 'fetch',
      maxBytes: repo.limits.maxPackBytes + Math.ceil(repo.limits.maxPackBytes / 1000) + 65_536,
    }),
  );
  try {
    const pack = ad.version === 2 ? await readResultV2(reader, repo) : await readResultV0(reader, repo, ad);
    unpack(pack, repo.store, { ...repo.limits, inflated: repo.inflated });
    const missing = unique.find((oid) => !repo.store.has(oid));
    if (missing) throw new GitError('protocol', `git protocol: the server's pack lacks the wanted commit ${missing}`);
  } finally {
    await reader.drain().catch(() => undefined);
  }
}

const allowsAnyReachable = (ad: Advertisement) =>
  ad.caps.has('allow-reachable-sha1-in-want') || ad.caps.has('allow-any-sha1-in-want');

/** The advertised oid to want for `oid`: itself when advertised, the tag object when it is a tag's peeled commit. */
function advertisedOid(ad: Advertisement, oid: string): string | undefined {
  for (const [ref, value] of ad.refs) if (value === oid || ad.peeled.get(ref) === oid) return value;
  return undefined;
}

function requestV0(ad: Advertisement, wants: string[], depth: number | undefined, filter: string | undefined): Buffer {
  const offered = (cap: string) => ad.caps.has(cap);
  const caps = [
    offered('multi_ack_detailed') ? 'multi_ack_detailed' : offered('multi_ack') ? 'multi_ack' : '',
    offered('thin-pack') ? 'thin-pack' : '',
    offered('side-band-64k') ? 'side-band-64k' : offered('side-band') ? 'side-band' : '',
    offered('ofs-delta') ? 'ofs-delta' : '',
    depth && offered('shallow') ? 'shallow' : '',
    offered('no-progress') ? 'no-progress' : '',
    filter && offered('filter') ? 'filter' : '',
    offered('agent') ? 'agent=porch-serverless' : '',
  ].filter(Boolean);
  const asked = [...new Set(wants.map((w) => (ad.refs.size ? (advertisedOid(ad, w) ?? w) : w)))];
  const lines = asked.map((oid, i) => pktLine(`want ${oid}${i === 0 ? ` ${caps.join(' ')}` : ''}\n`));
  if (depth && offered('shallow')) lines.push(pktLine(`deepen ${depth}\n`));
  if (filter && offered('filter')) lines.push(pktLine(`filter ${filter}\n`));
  lines.push(FLUSH, pktLine('done\n'));
  return Buffer.concat(lines);
}

function requestV2(ad: Advertisement, wants: string[], depth: number | undefined, filter: string | undefined): Buffer {
  const features = new Set((ad.caps.get('fetch') ?? '').split(' '));
  const lines = [pktLine('command=fetch\n')];
  if (ad.caps.has('agent')) lines.push(pktLine('agent=porch-serverless\n'));
  lines.push(Buffer.from('0001'), pktLine('thin-pack\n'), pktLine('no-progress\n'), pktLine('ofs-delta\n'));
  for (const oid of new Set(wants)) lines.push(pktLine(`want ${oid}\n`));
  if (depth && features.has('shallow')) lines.push(pktLine(`deepen ${depth}\n`));
  if (filter && features.has('filter')) lines.push(pktLine(`filter ${filter}\n`));
  lines.push(pktLine('done\n'), FLUSH);
  return Buffer.concat(lines);
}

async function readResultV2(reader: PktReader, repo: LocalRepo): Promise<Buffer> {
  for (let p = await reader.read(); p instanceof Buffer; p = await reader.read()) {
    const section = p.toString('latin1').trimEnd();
    if (section === 'packfile') return readSideBand(reader, repo);
    // shallow-info, acknowledgments, wanted-refs: nothing here walks history, so they are read and dropped.
    for (p = await reader.read(); p instanceof Buffer; p = await reader.read());
    if (p !== 'delim') break;
  }
  throw new GitError('protocol', 'git protocol: the server sent no packfile');
}

async function readResultV0(reader: PktReader, repo: LocalRepo, ad: Advertisement): Promise<Buffer> {
  let p = await reader.read();
  // The shallow list comes only from a server that honoured `deepen`; one that ignored it starts with NAK/ACK.
  while (p instanceof Buffer && /^(un)?shallow /.test(p.toString('latin1'))) p = await reader.read();
  if (p === 'flush') p = await reader.read();
  // With `done` and no haves, a NAK (or a final ACK) ends the negotiation.
  while (p instanceof Buffer && /^ACK [0-9a-f]{40} /.test(p.toString('latin1'))) p = await reader.read();
  if (!(p instanceof Buffer && /^(NAK|ACK [0-9a-f]{40})\n?$/.test(p.toString('latin1')))) {
    throw new GitError('protocol', 'git protocol: no NAK or ACK before the packfile');
  }
  if (ad.caps.has('side-band-64k') || ad.caps.has('side-band')) return readSideBand(reader, repo);
  return collect(reader.rest(), repo);
}

async function readSideBand(reader: PktReader, repo: LocalRepo): Promise<Buffer> {
  async function* band1() {
    for (let p = await reader.read(); p instanceof Buffer; p = await reader.read()) {
      if (p[0] === 1) yield p.subarray(1);
      else if (p[0] === 3)
        throw new GitError('refused', `git: the server aborted the fetch: ${sanitizeReason(p.subarray(1))}`);
    }
  }
  return collect(band1(), repo);
}

async function collect(chunks: AsyncIterable<Buffer>, repo: LocalRepo): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.length;
    if (total > repo.limits.maxPackBytes) {
      throw new GitError(
        'too-large',
        `git: the server sent a packfile larger than the limit of ${repo.limits.maxPackBytes} bytes`,
      );
    }
    parts.push(chunk);
  }
  const pack = Buffer.concat(parts);
  if (pack.length < 32) throw new GitError('protocol', 'git protocol: the server sent no packfile');
  return pack;
}
