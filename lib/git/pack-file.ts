/** Reading and writing git packfiles (gitformat-pack) in memory, with Node's native zlib and sha1. */
import { createHash } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { GitError } from './errors.js';
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

/** What unpacking may inflate: per object and in total over one operation (the running total lives in `inflated`). */
export interface InflateBudget {
  maxObjectBytes: number;
  maxInflatedBytes: number;
  inflated: { bytes: number };
}

const corrupt = (what: string) => new GitError('protocol', `git: the server sent a corrupt packfile (${what})`);

function spend(budget: InflateBudget, size: number): void {
  if (size > budget.maxObjectBytes) {
    throw new GitError(
      'too-large',
      `git: the server sent an object larger than the limit of ${budget.maxObjectBytes} bytes`,
    );
  }
  budget.inflated.bytes += size;
  if (budget.inflated.bytes > budget.maxInflatedBytes) {
    throw new GitError(
      'too-large',
      `git: the server sent more than the limit of ${budget.maxInflatedBytes} inflated bytes`,
    );
  }
}

/** zlib's smallest output chunk. */
const MIN_CHUNK = 64;
/** Its default: a larger object is inflated in chunks of this size and joined once. */
const MAX_CHUNK = 16 * 1024;

/**
 * Inflates one object whose header declared `size` bytes; zlib stops at that size, so a bomb cannot grow memory.
 * The output chunk is the object's size: the result is a view of the chunk, which lives as long as the object, so
 * the default 16 KiB chunk made each of a repository's thousands of small objects hold 16 KiB (200 MiB in
 * bench:sync's first full sync).
 */
function inflateObject(pack: Buffer, pos: number, size: number): { data: Buffer; read: number } {
  let result: { buffer: Buffer; engine: { bytesWritten: number } };
  try {
    result = inflateSync(pack.subarray(pos), {
      info: true,
      maxOutputLength: Math.max(1, size),
      chunkSize: Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, size)),
    }) as unknown as typeof result;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new GitError('too-large', `git: the server sent an object that inflates beyond its declared ${size} bytes`);
    }
    throw corrupt('an object does not inflate');
  }
  if (result.buffer.length !== size) throw corrupt('an object inflates to less than its declared size');
  return { data: result.buffer, read: result.engine.bytesWritten };
}

/**
 * Unpacks every object of a pack into the store, resolving ofs- and ref-deltas (ref-delta bases of a thin pack from
 * objects already stored), within the budget: sizes are checked from the headers before anything is inflated.
 */
export function unpack(pack: Buffer, store: ObjectStore, budget: InflateBudget): void {
  if (pack.length < 32 || pack.toString('latin1', 0, 4) !== 'PACK') throw corrupt('no PACK header');
  const count = pack.readUInt32BE(8);
  const byOffset = new Map<number, StoredObject>();
  const pending: Pending[] = [];
  const end = pack.length - 20;
  const next = () => {
    if (pos >= end) throw corrupt('truncated');
    return pack[pos++]!;
  };
  let pos = 12;
  for (let n = 0; n < count; n++) {
    const start = pos;
    let byte = next();
    const type = (byte >> 4) & 7;
    let size = byte & 15;
    for (let shift = 4; byte & 0x80; shift += 7) {
      byte = next();
      size += (byte & 0x7f) * 2 ** shift;
    }
    let base: Pending['base'] | undefined;
    if (type === OFS_DELTA) {
      byte = next();
      let rel = byte & 0x7f;
      while (byte & 0x80) {
        byte = next();
        rel = (rel + 1) * 128 + (byte & 0x7f);
      }
      base = { offset: start - rel };
    } else if (type === REF_DELTA) {
      if (pos + 20 > end) throw corrupt('truncated');
      base = { oid: pack.toString('hex', pos, pos + 20) };
      pos += 20;
    } else if (!TYPES[type]) throw corrupt(`object type ${type}`);
    spend(budget, size);
    const { data, read } = inflateObject(pack, pos, size);
    pos += read;
    if (base) pending.push({ offset: start, base, delta: data });
    else {
      const obj = { type: TYPES[type]!, data };
      store.add(obj.type, obj.data);
      byOffset.set(start, obj);
    }
  }
  // Deltas whose base is itself a delta resolve over several rounds.
  for (let left = pending; left.length; ) {
    const later: Pending[] = [];
    for (const p of left) {
      const base =
        'offset' in p.base ? byOffset.get(p.base.offset) : store.has(p.base.oid) ? store.get(p.base.oid) : undefined;
      if (!base) {
        later.push(p);
        continue;
      }
      const obj = { type: base.type, data: applyDelta(base.data, p.delta, budget) };
      store.add(obj.type, obj.data);
      byOffset.set(p.offset, obj);
    }
    if (later.length === left.length) throw corrupt(`${later.length} deltas have no base`);
    left = later;
  }
}

function readSize(delta: Buffer, at: { i: number }): number {
  let size = 0;
  let shift = 0;
  let byte: number;
  do {
    if (at.i >= delta.length) throw corrupt('truncated delta');
    byte = delta[at.i++]!;
    size += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return size;
}

/** Applies a git delta (copy/insert instructions) to its base; the result's declared size is spent from the budget. */
export function applyDelta(base: Buffer, delta: Buffer, budget: InflateBudget): Buffer {
  const at = { i: 0 };
  if (readSize(delta, at) !== base.length) throw corrupt('a delta does not fit its base');
  const size = readSize(delta, at);
  spend(budget, size);
  const out = Buffer.allocUnsafe(size);
  let o = 0;
  while (at.i < delta.length) {
    const op = delta[at.i++]!;
    if (op & 0x80) {
      let offset = 0;
      let length = 0;
      for (let b = 0; b < 4; b++) if (op & (1 << b)) offset += delta[at.i++]! * 2 ** (8 * b);
      for (let b = 0; b < 3; b++) if (op & (16 << b)) length += delta[at.i++]! * 2 ** (8 * b);
      if (length === 0) length = 0x10000;
      if (offset + length > base.length || o + length > size) throw corrupt('a delta copies out of bounds');
      o += base.copy(out, o, offset, offset + length);
    } else if (op) {
      if (o + op > size || at.i + op > delta.length) throw corrupt('a delta inserts out of bounds');
      o += delta.copy(out, o, at.i, at.i + op);
      at.i += op;
    } else throw corrupt('a bad delta instruction');
  }
  if (o !== size) throw corrupt('a delta result of the wrong size');
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
