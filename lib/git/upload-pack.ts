/**
 * Fetches exactly the objects wanted, in one request: a stateless smart-HTTP upload-pack call (protocol v1, which
 * every git host speaks) with many `want` lines, `deepen` and an optional object filter, unpacked into the
 * operation's in-memory store. isomorphic-git's `fetch` wants one ref per call, downloads the whole ref
 * advertisement each time and indexes packs on disk slowly (seconds per MB here).
 */
import { FLUSH, PktReader, pktLine } from './pkt-line.js';
import { postService, type LocalRepo } from './local-repo.js';
import { unpack } from './pack-file.js';

export interface FetchOptions {
  /** Commits of history to include per want: 1 = the wanted commits only. Omit for full history. */
  depth?: number;
  /** A partial-clone filter such as `tree:0` (commits only); servers that refuse filters get a plain fetch. */
  filter?: string;
}

/** The server refused or broke off the fetch (as opposed to a network or HTTP failure). */
export class UploadPackError extends Error {}

/** Downloads the wanted objects (commit oids) and everything they need into the store. */
export async function fetchObjects(repo: LocalRepo, wants: string[], opts: FetchOptions = {}): Promise<void> {
  const unique = [...new Set(wants)].filter((oid) =>
    opts.filter ? !repo.store.has(oid) : !repo.store.hasComplete(oid),
  );
  if (unique.length === 0) return;
  try {
    await uploadPack(repo, unique, opts);
  } catch (err) {
    // A server that does not allow filters hangs up without saying why (git-http-backend) or says so in an ERR
    // line; either way a plain fetch is the fallback.
    if (!(opts.filter && err instanceof UploadPackError)) throw err;
    await uploadPack(repo, unique, { ...opts, filter: undefined });
  }
}

function requestBody(wants: string[], opts: FetchOptions): Buffer {
  const caps = ['side-band-64k', 'ofs-delta', 'shallow', 'no-progress', 'agent=porch-serverless'];
  if (opts.filter) caps.push('filter');
  const lines = wants.map((oid, i) => pktLine(`want ${oid}${i === 0 ? ` ${caps.join(' ')}` : ''}\n`));
  if (opts.depth) lines.push(pktLine(`deepen ${opts.depth}\n`));
  if (opts.filter) lines.push(pktLine(`filter ${opts.filter}\n`));
  lines.push(FLUSH, pktLine('done\n'));
  return Buffer.concat(lines);
}

async function uploadPack(repo: LocalRepo, wants: string[], opts: FetchOptions): Promise<void> {
  const reader = new PktReader(await postService(repo, 'git-upload-pack', requestBody(wants, opts)));
  try {
    await readUploadPackResult(repo, reader, opts);
  } finally {
    await reader.drain().catch(() => undefined);
  }
}

async function readUploadPackResult(repo: LocalRepo, reader: PktReader, opts: FetchOptions): Promise<void> {
  if (opts.depth) {
    // The shallow boundary; nothing here walks history, so it is read and dropped.
    for (let p = await reader.read(); p !== 'flush'; p = await reader.read()) {
      if (p === 'end' || p === 'delim') throw new UploadPackError('git protocol: unexpected end of shallow list');
      if (p.toString('utf8').startsWith('ERR ')) throw new UploadPackError(p.toString('utf8').slice(4).trim());
    }
  }
  const ack = await reader.read();
  if (ack instanceof Buffer && ack.toString('utf8').startsWith('ERR ')) {
    throw new UploadPackError(ack.toString('utf8').slice(4).trim());
  }
  const chunks: Buffer[] = [];
  for (let p = await reader.read(); p !== 'flush' && p !== 'end'; p = await reader.read()) {
    if (p === 'delim') continue;
    if (p[0] === 1) chunks.push(p.subarray(1));
    else if (p[0] === 3) throw new UploadPackError(p.subarray(1).toString('utf8').trim());
  }
  const pack = Buffer.concat(chunks);
  if (pack.length < 32) throw new UploadPackError('git protocol: the server sent no packfile');
  unpack(pack, repo.store);
}
