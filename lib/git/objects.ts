/** git object encoding (tree, commit) and ids; pure. */
import { createHash } from 'node:crypto';

export type ObjectType = 'commit' | 'tree' | 'blob' | 'tag';

export interface TreeEntry {
  /** As stored: `100644`, `100755`, `120000`, `40000` (tree), `160000` (submodule). */
  mode: string;
  /** The name decoded as UTF-8 (U+FFFD where its bytes are not UTF-8); `rawName` is what git holds. */
  name: string;
  oid: string;
  /** The name's bytes as read from a tree; written back unchanged. Absent for entries made here (UTF-8 of `name`). */
  rawName?: Buffer;
}

export interface GitSignatureLine {
  name: string;
  email: string;
  /** Seconds since the epoch. */
  timestamp: number;
}

export interface CommitObject {
  tree: string;
  parents: string[];
  author: GitSignatureLine;
  committer: GitSignatureLine;
  message: string;
}

/** Tree-entry modes of a directory and of a regular (or executable) file. */
export const isTreeMode = (mode: string) => mode === '40000' || mode === '040000';
export const isFileMode = (mode: string) => mode === '100644' || mode === '100755';

const nameBytes = (e: TreeEntry) => e.rawName ?? Buffer.from(e.name, 'utf8');

/** Whether the entry's name is exactly `name` (byte for byte, so a non-UTF-8 name never matches a decoded one). */
export const hasName = (e: TreeEntry, name: string) => nameBytes(e).equals(Buffer.from(name, 'utf8'));

/** Whether the entry's name bytes are valid UTF-8, so `name` is the name itself. */
export const hasTextName = (e: TreeEntry) => e.rawName === undefined || e.rawName.equals(Buffer.from(e.name, 'utf8'));

/** The object id git gives `data` stored as `type`. */
export function hashObject(type: ObjectType, data: Buffer): string {
  return createHash('sha1').update(`${type} ${data.length}\0`).update(data).digest('hex');
}

/** Entries of a tree object: `<mode> <name>\0<20-byte id>` repeated. */
export function parseTree(data: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let i = 0;
  while (i < data.length) {
    const space = data.indexOf(0x20, i);
    const nul = data.indexOf(0, space);
    entries.push({
      mode: data.toString('latin1', i, space),
      name: data.toString('utf8', space + 1, nul),
      oid: data.toString('hex', nul + 1, nul + 21),
      rawName: Buffer.from(data.subarray(space + 1, nul)),
    });
    i = nul + 21;
  }
  return entries;
}

// git orders entries by name bytes, comparing a tree as if its name ended with '/'.
const sortKey = (e: TreeEntry) => (isTreeMode(e.mode) ? Buffer.concat([nameBytes(e), SLASH]) : nameBytes(e));
const SLASH = Buffer.from('/');

/** A tree object from entries, sorted as git requires; names and modes are written as they were read. */
export function encodeTree(entries: TreeEntry[]): Buffer {
  const sorted = [...entries].sort((a, b) => Buffer.compare(sortKey(a), sortKey(b)));
  return Buffer.concat(
    sorted.flatMap((e) => [
      Buffer.from(`${e.mode} `, 'latin1'),
      nameBytes(e),
      Buffer.from([0]),
      Buffer.from(e.oid, 'hex'),
    ]),
  );
}

function parseSignature(text: string): GitSignatureLine {
  const m = /^(.*) <(.*)> (\d+) [+-]\d{4}$/.exec(text);
  return m ? { name: m[1]!, email: m[2]!, timestamp: Number(m[3]) } : { name: text, email: '', timestamp: 0 };
}

/** Tree, parents, signatures and message of a commit object (other headers, e.g. gpgsig, are ignored). */
export function parseCommit(data: Buffer): CommitObject {
  const text = data.toString('utf8');
  const end = text.indexOf('\n\n');
  const head = end < 0 ? text : text.slice(0, end);
  const commit: CommitObject = {
    tree: '',
    parents: [],
    author: parseSignature(''),
    committer: parseSignature(''),
    message: end < 0 ? '' : text.slice(end + 2),
  };
  for (const line of head.split('\n')) {
    const space = line.indexOf(' ');
    const key = line.slice(0, space);
    const value = line.slice(space + 1);
    if (key === 'tree') commit.tree = value;
    else if (key === 'parent') commit.parents.push(value);
    else if (key === 'author') commit.author = parseSignature(value);
    else if (key === 'committer') commit.committer = parseSignature(value);
  }
  return commit;
}

const signatureLine = (s: GitSignatureLine) => `${s.name} <${s.email}> ${s.timestamp} +0000`;

/** A commit object; signatures are written in UTC. */
export function encodeCommit(c: CommitObject): Buffer {
  const lines = [`tree ${c.tree}`, ...c.parents.map((p) => `parent ${p}`)];
  lines.push(`author ${signatureLine(c.author)}`, `committer ${signatureLine(c.committer)}`);
  return Buffer.from(`${lines.join('\n')}\n\n${c.message}`, 'utf8');
}
