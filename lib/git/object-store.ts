/**
 * An in-memory object database for one git operation: objects unpacked from fetched packs plus the ones this
 * operation writes (remembered, so a push sends exactly those). Lookups are map reads, which is what makes reading
 * thousands of package trees cheap; isomorphic-git's on-disk indexPack took seconds per megabyte of pack here.
 */
import { encodeCommit, encodeTree, hashObject, parseCommit, parseTree } from './objects.js';
import type { CommitObject, ObjectType, TreeEntry } from './objects.js';

export interface StoredObject {
  type: ObjectType;
  data: Buffer;
}

/** Objects by id, with the set written locally. */
export class ObjectStore {
  /** Objects written by this operation, in write order. */
  readonly written = new Set<string>();

  constructor(private readonly objects = new Map<string, StoredObject>()) {}

  /** A store that reads this one's objects but keeps its own writes out of this one's push. */
  fork(): ObjectStore {
    return new ObjectStore(this.objects);
  }

  has(oid: string): boolean {
    return this.objects.has(oid);
  }

  /** Present with its root tree (a commit fetched with a `tree:0` filter has none). */
  hasComplete(oid: string): boolean {
    const obj = this.objects.get(oid);
    return obj !== undefined && (obj.type !== 'commit' || this.objects.has(this.commit(oid).tree));
  }

  /** Adds an object received from the remote; returns its id. */
  add(type: ObjectType, data: Buffer): string {
    const oid = hashObject(type, data);
    if (!this.objects.has(oid)) this.objects.set(oid, { type, data });
    return oid;
  }

  /** Adds an object created locally, to be pushed. */
  write(type: ObjectType, data: Buffer): string {
    const oid = this.add(type, data);
    this.written.add(oid);
    return oid;
  }

  get(oid: string, type?: ObjectType): StoredObject {
    const obj = this.objects.get(oid);
    if (!obj) throw new Error(`git: object ${oid} was not fetched`);
    if (type && obj.type !== type) throw new Error(`git: object ${oid} is a ${obj.type}, not a ${type}`);
    return obj;
  }

  tree(oid: string): TreeEntry[] {
    return parseTree(this.get(oid, 'tree').data);
  }

  commit(oid: string): CommitObject {
    return parseCommit(this.get(oid, 'commit').data);
  }

  blob(oid: string): Buffer {
    return this.get(oid, 'blob').data;
  }

  writeTree(entries: TreeEntry[]): string {
    return this.write('tree', encodeTree(entries));
  }

  writeCommit(commit: CommitObject): string {
    return this.write('commit', encodeCommit(commit));
  }

  writeBlob(content: string | Buffer): string {
    return this.write('blob', typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
  }
}
