/** Reading and writing git packfiles (gitformat-pack) in memory, with Node's native zlib and sha1. */
import { createHash } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import type { ObjectType } from './objects.js';
import type { ObjectStore, StoredObject } from './object-store.js';

const TYPES: Record<number, ObjectType> = { 1: 'commit', 2: 'tree', 3: 'blob', 4: 'tag' };
const CODES: Record<ObjectType, number> = { commit: 1, tree: 2, blob: 3, tag: 4 };
const OFS_DELTA = 6;
const REF_DELTA = 7;

interface Pending {
  offset: number;
  base: { offset: number } | { oid: string };
  delta: Buffer;
}

/** Unpacks every object of a pack into the store, resolving ofs- and ref-deltas (also against stored objects). */
export function unpack(pack: Buffer, store: ObjectStore): void {
  if (pack.toString('latin1', 0, 4) !== 'PACK') throw new Error('git: not a packfile');
  const count = pack.readUInt32BE(8);
  const byOffset = new Map<number, StoredObject>();
  const pending: Pending[] = [];
  let pos = 12;
  for (let n = 0; n < count; n++) {
    const start = pos;
    let byte = pack[pos++]!;
    const type = (byte >> 4) & 7;
    while (byte & 0x80) byte = pack[pos++]!;
    let base: Pending['base'] | undefined;
    if (type === OFS_DELTA) {
      byte = pack[pos++]!;
      let rel = byte & 0x7f;
      while (byte & 0x80) {
        byte = pack[pos++]!;
        rel = (rel + 1) * 128 + (byte & 0x7f);
      }
      base = { offset: start - rel };
    } else if (type === REF_DELTA) {
      base = { oid: pack.toString('hex', pos, pos + 20) };
      pos += 20;
    }
    const { buffer, engine } = inflateSync(pack.subarray(pos), { info: true }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
    pos += engine.bytesWritten;
    if (base) pending.push({ offset: start, base, delta: buffer });
    else {
      const obj = { type: TYPES[type]!, data: buffer };
      store.add(obj.type, obj.data);
      byOffset.set(start, obj);
    }
  }
  // Deltas whose base is itself a delta resolve over several rounds.
  for (let left = pending; left.length; ) {
    const next: Pending[] = [];
    for (const p of left) {
      const base =
        'offset' in p.base ? byOffset.get(p.base.offset) : store.has(p.base.oid) ? store.get(p.base.oid) : undefined;
      if (!base) {
        next.push(p);
        continue;
      }
      const obj = { type: base.type, data: applyDelta(base.data, p.delta) };
      store.add(obj.type, obj.data);
      byOffset.set(p.offset, obj);
    }
    if (next.length === left.length) throw new Error(`git: ${next.length} pack deltas have no base`);
    left = next;
  }
}

function readSize(delta: Buffer, at: { i: number }): number {
  let size = 0;
  let shift = 0;
  let byte: number;
  do {
    byte = delta[at.i++]!;
    size += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return size;
}

/** Applies a git delta (copy/insert instructions) to its base. */
export function applyDelta(base: Buffer, delta: Buffer): Buffer {
  const at = { i: 0 };
  readSize(delta, at);
  const out = Buffer.allocUnsafe(readSize(delta, at));
  let o = 0;
  while (at.i < delta.length) {
    const op = delta[at.i++]!;
    if (op & 0x80) {
      let offset = 0;
      let size = 0;
      for (let b = 0; b < 4; b++) if (op & (1 << b)) offset += delta[at.i++]! * 2 ** (8 * b);
      for (let b = 0; b < 3; b++) if (op & (16 << b)) size += delta[at.i++]! * 2 ** (8 * b);
      if (size === 0) size = 0x10000;
      o += base.copy(out, o, offset, offset + size);
    } else if (op) {
      o += delta.copy(out, o, at.i, at.i + op);
      at.i += op;
    } else throw new Error('git: bad delta instruction');
  }
  return out;
}

/** A pack of whole (undeltified) objects. */
export function writePack(objects: StoredObject[]): Buffer {
  const parts: Buffer[] = [Buffer.from('PACK'), Buffer.alloc(8)];
  parts[1]!.writeUInt32BE(2, 0);
  parts[1]!.writeUInt32BE(objects.length, 4);
  for (const { type, data } of objects) {
    const header: number[] = [];
    let size = data.length;
    let byte = (CODES[type] << 4) | (size & 15);
    size = Math.floor(size / 16);
    while (size > 0) {
      header.push(byte | 0x80);
      byte = size & 0x7f;
      size = Math.floor(size / 128);
    }
    header.push(byte);
    parts.push(Buffer.from(header), deflateSync(data));
  }
  const body = Buffer.concat(parts);
  return Buffer.concat([body, createHash('sha1').update(body).digest()]);
}
