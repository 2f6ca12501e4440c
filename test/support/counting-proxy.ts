/** A counting HTTP proxy for tests of what the git client asks a server (127.0.0.1 only). */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A proxy in front of `target` that counts discovery GETs, service POSTs by command and the bytes answered. */
export async function countingProxy(target: string) {
  const counts = { discovery: 0, posts: [] as string[], answeredBytes: 0 };
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url?.includes('/info/refs')) counts.discovery++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.method === 'POST') counts.posts.push(/command=(\w[\w-]*)/.exec(body.toString('latin1'))?.[1] ?? 'v0');
      const out = request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.on('data', (c: Buffer) => {
          counts.answeredBytes += c.length;
        });
        answer.pipe(res);
      });
      out.end(body);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    stop: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
