/**
 * Small git servers that attack the client (issue 12): each answers smart-HTTP just well enough to get its payload
 * read. All listen on 127.0.0.1.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createDeflate } from 'node:zlib';

export type HostileKind = 'zlib-bomb' | 'endless-pack' | 'trickle' | 'huge-refs' | 'secret';

/** What a cloud metadata endpoint would answer: it must never appear in a response, status or log. */
export const SECRET = 'AKIAHOSTILEEXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY';

export const TIP = '1'.repeat(40);

export interface HostileServer {
  url: string;
  /** Requests received, as `METHOD path` with the authorization header when there was one. */
  requests: string[];
  stop(): Promise<void>;
}

function pkt(data: string | Buffer): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  return Buffer.concat([Buffer.from((bytes.length + 4).toString(16).padStart(4, '0')), bytes]);
}

const CAPS = 'multi_ack_detailed thin-pack side-band-64k ofs-delta shallow no-progress';

function advertisement(): Buffer {
  return Buffer.concat([
    pkt('# service=git-upload-pack\n'),
    Buffer.from('0000'),
    pkt(`${TIP} refs/heads/main\0${CAPS}\n`),
    Buffer.from('0000'),
  ]);
}

/** One blob that declares 16 bytes and inflates to 512 MiB of zeros, in a valid pack frame. */
async function bombPack(): Promise<Buffer> {
  const deflate = createDeflate({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (c: Buffer) => parts.push(c));
  const zeros = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < 512; i++) if (!deflate.write(zeros)) await new Promise((ok) => deflate.once('drain', ok));
  await new Promise((ok) => deflate.end(ok));
  const header = Buffer.from([0x80 | (3 << 4), 0x01]); // blob, size 16 (0 + 1 << 4)
  const head = Buffer.alloc(12);
  head.write('PACK');
  head.writeUInt32BE(2, 4);
  head.writeUInt32BE(1, 8);
  return Buffer.concat([head, header, ...parts, Buffer.alloc(20)]);
}

function sideBand(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += 65_000)
    out.push(pkt(Buffer.concat([Buffer.from([1]), data.subarray(i, i + 65_000)])));
  return out;
}

const isDiscovery = (req: IncomingMessage) => req.method === 'GET' && (req.url ?? '').includes('/info/refs');

async function handle(kind: HostileKind, req: IncomingMessage, res: ServerResponse, bomb: () => Promise<Buffer>) {
  if (kind === 'secret') {
    res.writeHead(req.method === 'GET' ? 200 : 500, {
      'content-type': req.method === 'GET' ? 'text/plain' : 'text/html',
    });
    res.end(req.method === 'GET' ? SECRET : `<html><body>Internal error: ${SECRET}</body></html>`);
    return;
  }
  if (kind === 'trickle') {
    res.writeHead(200, { 'content-type': 'application/x-git-upload-pack-advertisement' });
    const body = advertisement();
    let i = 0;
    const timer = setInterval(() => {
      if (i >= body.length || res.destroyed) return clearInterval(timer);
      res.write(body.subarray(i, ++i));
    }, 2000);
    res.on('close', () => clearInterval(timer));
    return;
  }
  if (kind === 'huge-refs') {
    res.writeHead(200, { 'content-type': 'application/x-git-upload-pack-advertisement' });
    res.write(
      Buffer.concat([
        pkt('# service=git-upload-pack\n'),
        Buffer.from('0000'),
        pkt(`${TIP} refs/heads/main\0${CAPS}\n`),
      ]),
    );
    let n = 0;
    const more = () => {
      while (!res.destroyed && n < 10_000_000) {
        const lines = [];
        for (let k = 0; k < 1000; k++) lines.push(pkt(`${TIP} refs/tags/t${n++}\n`));
        if (!res.write(Buffer.concat(lines))) return void res.once('drain', more);
      }
      res.end();
    };
    more();
    return;
  }
  if (isDiscovery(req)) {
    res.writeHead(200, { 'content-type': 'application/x-git-upload-pack-advertisement' }).end(advertisement());
    return;
  }
  req.resume();
  res.writeHead(200, { 'content-type': 'application/x-git-upload-pack-result' });
  res.write(pkt('NAK\n'));
  if (kind === 'zlib-bomb') {
    for (const p of sideBand(await bomb())) res.write(p);
    res.end(Buffer.from('0000'));
    return;
  }
  // endless-pack: a pack header, then data for as long as the client reads.
  const chunk = pkt(Buffer.concat([Buffer.from([1]), Buffer.alloc(65_000, 7)]));
  res.write(pkt(Buffer.concat([Buffer.from([1]), Buffer.from('PACK\0\0\0\x02\0\0\0\x01', 'latin1')])));
  const more = () => {
    while (!res.destroyed) if (!res.write(chunk)) return void res.once('drain', more);
  };
  more();
}

/** Starts a hostile server of `kind` on 127.0.0.1. */
export async function startHostileServer(kind: HostileKind): Promise<HostileServer> {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  let bomb: Promise<Buffer> | undefined;
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}${req.headers.authorization ? ` ${req.headers.authorization}` : ''}`);
    void handle(kind, req, res, () => (bomb ??= bombPack())).catch(() => res.destroy());
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    stop: () =>
      new Promise<void>((ok) => {
        for (const s of sockets) s.destroy();
        server.close(() => ok());
      }),
  };
}
