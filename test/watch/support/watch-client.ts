import { request, type ClientRequest } from 'node:http';

export interface WatchEvent {
  type: string;
  object: any;
}

/** A streaming watch over HTTP: collects newline-delimited events as they arrive. */
export class WatchClient {
  readonly events: WatchEvent[] = [];
  status = 0;
  ended = false;
  private waiters: (() => void)[] = [];
  private req: ClientRequest;

  constructor(url: string, headers: Record<string, string> = {}) {
    let rest = '';
    this.req = request(url, { headers }, (res) => {
      this.status = res.statusCode ?? 0;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        rest += chunk;
        for (let i = rest.indexOf('\n'); i >= 0; i = rest.indexOf('\n')) {
          const line = rest.slice(0, i);
          rest = rest.slice(i + 1);
          if (line.trim()) this.events.push(JSON.parse(line));
        }
        this.notify();
      });
      res.on('end', () => {
        this.ended = true;
        this.notify();
      });
    });
    this.req.on('error', () => {
      this.ended = true;
      this.notify();
    });
    this.req.end();
  }

  private notify() {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Waits until `done(events)` holds, failing after `timeoutMs`. */
  async until(done: (events: WatchEvent[]) => boolean, timeoutMs = 10_000): Promise<WatchEvent[]> {
    const stop = Date.now() + timeoutMs;
    while (!done(this.events)) {
      if (Date.now() > stop) throw new Error(`watch: condition not met; events: ${JSON.stringify(this.brief())}`);
      if (this.ended) throw new Error(`watch ended; events: ${JSON.stringify(this.brief())}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 100);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.events;
  }

  /** Waits for the server to end the stream. */
  async end(timeoutMs = 10_000): Promise<WatchEvent[]> {
    const stop = Date.now() + timeoutMs;
    while (!this.ended) {
      if (Date.now() > stop) throw new Error('watch did not end');
      await new Promise((r) => setTimeout(r, 50));
    }
    return this.events;
  }

  /** `TYPE name` of each event (BOOKMARK and ERROR with their version or code). */
  brief(): string[] {
    return this.events.map((e) =>
      e.type === 'ERROR'
        ? `ERROR ${e.object.code}`
        : e.type === 'BOOKMARK'
          ? 'BOOKMARK'
          : `${e.type} ${e.object.metadata.name}`,
    );
  }

  close() {
    this.req.destroy();
  }
}
