/**
 * Fetches exactly the objects wanted, in one request: a stateless smart-HTTP upload-pack call (protocol v1, which
 * every git host speaks) with many `want` lines, `deepen` and an optional object filter. isomorphic-git's `fetch`
 * wants one ref per call and downloads the whole ref advertisement each time, which costs seconds on a repository
 * with thousands of tags. The pack lands in the scratch repository and is indexed there by isomorphic-git, so its
 * readers (readCommit, readTree, readBlob) work on it.
 */
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import git from 'isomorphic-git';
import { FLUSH, PktReader, pktLine } from './pkt-line.js';
import { authHeaders, type LocalRepo } from './local-repo.js';

export interface FetchOptions {
  /** Commits of history to include per want: 1 = the wanted commits only. Omit for full history. */
  depth?: number;
  /** A partial-clone filter such as `tree:0` (commits only); servers that refuse filters get a plain fetch. */
  filter?: string;
}

class UploadPackError extends Error {}

/** Downloads the wanted objects (commit or tag oids) into the scratch repository. */
export async function fetchObjects(repo: LocalRepo, wants: string[], opts: FetchOptions = {}): Promise<void> {
  const unique = [...new Set(wants)];
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
  const res = await repo.http.request({
    url: `${repo.remote.url.replace(/\/$/, '')}/git-upload-pack`,
    method: 'POST',
    headers: {
      'content-type': 'application/x-git-upload-pack-request',
      accept: 'application/x-git-upload-pack-result',
      'user-agent': 'git/porch-serverless',
      ...authHeaders(repo.remote),
    },
    body: [requestBody(wants, opts)][Symbol.iterator]() as unknown as AsyncIterableIterator<Uint8Array>,
  });
  if (res.statusCode !== 200) {
    if (res.body) for await (const _ of res.body) void _;
    throw Object.assign(new Error(`HTTP ${res.statusCode}`), {
      code: 'HttpError',
      data: { statusCode: res.statusCode, statusMessage: res.statusMessage },
    });
  }
  const reader = new PktReader(res.body![Symbol.asyncIterator]());
  const shallows: string[] = [];
  if (opts.depth) {
    for (let p = await reader.read(); p !== 'flush'; p = await reader.read()) {
      if (p === 'end' || p === 'delim') throw new UploadPackError('git protocol: unexpected end of shallow list');
      const line = p.toString('utf8').trim();
      if (line.startsWith('ERR ')) throw new UploadPackError(line.slice(4));
      if (line.startsWith('shallow ')) shallows.push(line.slice(8));
    }
  }
  const ack = await reader.read();
  if (ack instanceof Buffer && ack.toString('utf8').startsWith('ERR ')) {
    throw new UploadPackError(ack.toString('utf8').slice(4).trim());
  }
  const chunks: Buffer[] = [];
  for (let p = await reader.read(); p !== 'flush' && p !== 'end'; p = await reader.read()) {
    if (p === 'delim') continue;
    const band = p[0];
    if (band === 1) chunks.push(p.subarray(1));
    else if (band === 3) throw new UploadPackError(p.subarray(1).toString('utf8').trim());
  }
  await storePack(repo, Buffer.concat(chunks));
  if (shallows.length) await addShallows(repo, shallows);
}

async function storePack(repo: LocalRepo, pack: Buffer): Promise<void> {
  if (pack.length < 32 || pack.subarray(0, 4).toString('latin1') !== 'PACK') {
    throw new UploadPackError('git protocol: the server sent no packfile');
  }
  const name = `pack-${createHash('sha1').update(pack).digest('hex')}`;
  const tmp = join(repo.gitdir, 'objects', 'pack', `${name}.tmp`);
  await writeFile(tmp, pack);
  await rename(tmp, join(repo.gitdir, 'objects', 'pack', `${name}.pack`));
  await git.indexPack({ fs: repo.fs, dir: repo.gitdir, gitdir: repo.gitdir, filepath: `objects/pack/${name}.pack`, cache: repo.cache });
}

/** Records shallow commits so isomorphic-git does not look for their parents (e.g. when it builds a push pack). */
async function addShallows(repo: LocalRepo, oids: string[]): Promise<void> {
  const file = join(repo.gitdir, 'shallow');
  const existing = await readFile(file, 'utf8').catch(() => '');
  const all = new Set([...existing.split('\n').filter(Boolean), ...oids]);
  await writeFile(file, [...all].join('\n') + '\n');
}
