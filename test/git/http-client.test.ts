import { createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createHttpClient, type GitRequest, type GitResponse } from '../../lib/git/http-client.js';
import { testSettings } from '../support/git-transport.js';

/** Answers the first request of each connection, resets a connection that is reused (as after a Lambda freeze). */
async function resettingServer() {
  let connections = 0;
  const server = createServer((socket: Socket) => {
    connections++;
    let served = false;
    socket.on('data', () => {
      if (served) {
        socket.resetAndDestroy();
        return;
      }
      served = true;
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`,
    connections: () => connections,
  };
}

async function text(res: GitResponse): Promise<string> {
  let out = '';
  for (let next = await res.body.next(); !next.done; next = await res.body.next()) out += next.value.toString();
  return out;
}

const get = (url: string): GitRequest => ({ url, method: 'GET', headers: {}, step: 'test', maxBytes: 1024 });

describe('git http client', () => {
  it('retries once on a new connection when a kept-alive socket turns out to be closed', async () => {
    const { server, url, connections } = await resettingServer();
    try {
      const http = createHttpClient(testSettings());
      expect(await text(await http.request(get(url)))).toBe('ok');
      expect(await text(await http.request(get(url)))).toBe('ok');
      expect(connections()).toBe(2);
    } finally {
      server.close();
    }
  });
});
