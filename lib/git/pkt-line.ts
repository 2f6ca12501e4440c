/** git's pkt-line framing (gitprotocol-common): 4 hex digits of length, then data; 0000 = flush, 0001 = delim. */
import { GitError, sanitizeReason } from './errors.js';

/** The flush packet that ends a section. */
export const FLUSH = Buffer.from('0000');

/** One pkt-line holding `data` (a trailing newline is the caller's business). */
export function pktLine(data: string | Buffer): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return Buffer.concat([Buffer.from((body.length + 4).toString(16).padStart(4, '0')), body]);
}

export type Packet = Buffer | 'flush' | 'delim' | 'end';

/**
 * Reads pkt-lines from a byte stream without holding more than one packet in memory. An `ERR <reason>` packet, git's
 * way of refusing mid-protocol, becomes a GitError carrying the sanitised reason.
 */
export class PktReader {
  private buffer = Buffer.alloc(0);
  private done = false;

  constructor(private readonly source: AsyncIterator<Uint8Array>) {}

  private async fill(n: number): Promise<boolean> {
    while (this.buffer.length < n && !this.done) {
      const next = await this.source.next();
      if (next.done) this.done = true;
      else this.buffer = this.buffer.length ? Buffer.concat([this.buffer, next.value]) : Buffer.from(next.value);
    }
    return this.buffer.length >= n;
  }

  /**
   * Reads the rest of the stream and drops it. A response left unread keeps its kept-alive socket busy, and once
   * the agent's sockets are all busy new requests wait for the server to time them out.
   */
  async drain(): Promise<void> {
    this.buffer = Buffer.alloc(0);
    while (!this.done) {
      if ((await this.source.next()).done) this.done = true;
    }
  }

  /** The raw bytes after the last packet read (a pack sent without side-band). */
  async *rest(): AsyncGenerator<Buffer> {
    if (this.buffer.length) yield this.buffer;
    this.buffer = Buffer.alloc(0);
    while (!this.done) {
      const next = await this.source.next();
      if (next.done) this.done = true;
      else yield Buffer.from(next.value);
    }
  }

  /** The next packet, or 'end' when the stream ends between packets. */
  async read(): Promise<Packet> {
    if (!(await this.fill(4))) {
      if (this.buffer.length) throw new GitError('protocol', 'git protocol: truncated pkt-line length');
      return 'end';
    }
    const length = Number.parseInt(this.buffer.subarray(0, 4).toString('latin1'), 16);
    if (!/^[0-9a-f]{4}$/i.test(this.buffer.toString('latin1', 0, 4)) || length === 3) {
      throw new GitError('protocol', 'git protocol: bad pkt-line length');
    }
    if (length === 0 || length === 1 || length === 2) {
      this.buffer = this.buffer.subarray(4);
      return length === 1 ? 'delim' : 'flush';
    }
    if (!(await this.fill(length))) throw new GitError('protocol', 'git protocol: truncated pkt-line');
    const data = this.buffer.subarray(4, length);
    this.buffer = this.buffer.subarray(length);
    if (data.toString('latin1', 0, 4) === 'ERR ') {
      throw new GitError('refused', `git: the server refused the request: ${sanitizeReason(data.subarray(4))}`);
    }
    return data;
  }
}
