import type { ServerResponse } from 'node:http';
import type { HttpResult } from '../http/handler.js';

/**
 * Sends a streamed result (a watch) as a chunked response: each write waits until the socket took it (a client
 * that does not read holds back its own watch, not the server's memory), and the stream is aborted when the client
 * goes away.
 */
export async function sendStream(res: ServerResponse, result: HttpResult): Promise<void> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
  res.writeHead(result.statusCode ?? 200, headers);
  res.flushHeaders();
  const gone = new AbortController();
  const onClose = () => gone.abort();
  res.on('close', onClose);
  const write = (chunk: string) =>
    new Promise<void>((resolve) => {
      if (res.destroyed || res.writableEnded) return resolve();
      if (res.write(chunk)) return resolve();
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  try {
    await result.stream!({ write, signal: gone.signal });
  } finally {
    res.off('close', onClose);
    if (!res.writableEnded) res.end();
  }
}
