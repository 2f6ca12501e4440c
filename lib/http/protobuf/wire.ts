/**
 * A minimal protocol buffers wire-format reader driven by a field table: enough to decode the few Kubernetes kinds
 * kubectl sends as protobuf (docs/access-control.md "kubectl"). Unknown fields are skipped, as protobuf readers do;
 * malformed input (truncation, bad wire type, a length past the end) is a ProtobufError.
 */
export class ProtobufError extends Error {}

export type FieldType = 'string' | 'bytes' | 'bool' | 'int' | MessageSchema;

export interface FieldSpec {
  name: string;
  type: FieldType;
  repeated?: boolean;
  /** A `map<string, string>`: entries are messages {key = 1, value = 2}. */
  map?: boolean;
}

export type MessageSchema = { [field: number]: FieldSpec };

const MAX_DEPTH = 16;

class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.bytes.length) throw new ProtobufError('truncated varint');
      const b = this.bytes[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
    }
    throw new ProtobufError('varint too long');
  }

  take(length: number): Uint8Array {
    if (length < 0 || this.pos + length > this.bytes.length) throw new ProtobufError('length past the end');
    const out = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  skip(wireType: number) {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.take(8);
    else if (wireType === 2) this.take(Number(this.varint()));
    else if (wireType === 5) this.take(4);
    else throw new ProtobufError(`unsupported wire type ${wireType}`);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function text(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new ProtobufError('a string field is not valid UTF-8');
  }
}

function value(reader: Reader, wireType: number, type: FieldType, depth: number): unknown {
  if (type === 'bool' || type === 'int') {
    if (wireType !== 0) throw new ProtobufError('expected a varint');
    const n = reader.varint();
    return type === 'bool' ? n !== 0n : Number(BigInt.asIntN(64, n));
  }
  if (wireType !== 2) throw new ProtobufError('expected a length-delimited field');
  const bytes = reader.take(Number(reader.varint()));
  if (type === 'string') return text(bytes);
  if (type === 'bytes') return bytes;
  return decodeMessage(bytes, type, depth + 1);
}

const MAP_ENTRY: MessageSchema = { 1: { name: 'key', type: 'string' }, 2: { name: 'value', type: 'string' } };

/** Decodes one message into a plain object named by the schema's field names. */
export function decodeMessage(bytes: Uint8Array, schema: MessageSchema, depth = 0): Record<string, unknown> {
  if (depth > MAX_DEPTH) throw new ProtobufError('message nested too deeply');
  const reader = new Reader(bytes);
  const out: Record<string, unknown> = {};
  while (reader.pos < bytes.length) {
    const tag = reader.varint();
    const field = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    const spec = schema[field];
    if (!spec) {
      reader.skip(wireType);
      continue;
    }
    if (spec.map) {
      const entry = value(reader, wireType, MAP_ENTRY, depth) as { key?: string; value?: string };
      const map = (out[spec.name] ??= {}) as Record<string, string>;
      Object.defineProperty(map, entry.key ?? '', { value: entry.value ?? '', enumerable: true, writable: true });
    } else if (spec.repeated) {
      ((out[spec.name] ??= []) as unknown[]).push(value(reader, wireType, spec.type, depth));
    } else {
      out[spec.name] = value(reader, wireType, spec.type, depth);
    }
  }
  return out;
}
