/**
 * A TCP proxy on 127.0.0.1 that misbehaves on demand, between the service and a real server (git or PostgreSQL):
 * `pass` forwards bytes both ways, `hang` accepts connections and never answers, `reset` closes them at once.
 * `dropAll` cuts every open connection, as a network failure would.
 */
import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export type FaultMode = 'pass' | 'hang' | 'reset';

export interface FaultProxy {
  port: number;
  mode: FaultMode;
  dropAll(): void;
  close(): Promise<void>;
}

/** Starts a proxy to `target` (a loopback port), passing traffic until told otherwise. */
export async function startFaultProxy(targetPort: number): Promise<FaultProxy> {
  const open = new Set<Socket>();
  const track = (s: Socket) => {
    open.add(s);
    s.on('close', () => open.delete(s));
    s.on('error', () => s.destroy());
  };
  const proxy: FaultProxy = {
    port: 0,
    mode: 'pass',
    dropAll: () => {
      for (const s of open) s.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        proxy.dropAll();
        server.close(() => resolve());
      }),
  };
  const server = createServer((client) => {
    track(client);
    if (proxy.mode === 'reset') return void client.destroy();
    if (proxy.mode === 'hang') return; // read nothing, answer nothing, until dropped or closed
    const upstream = connect(targetPort, '127.0.0.1');
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  proxy.port = (server.address() as AddressInfo).port;
  return proxy;
}
