import { describe, expect, it } from 'vitest';
import { ObjectStore } from '../../lib/git/object-store.js';
import { encodeTree, parseTree } from '../../lib/git/objects.js';
import { replaceSubtree } from '../../lib/git/tree-edit.js';

// Tree entries are git's bytes: a name that is not UTF-8 and a zero-padded mode (which old tools wrote) must come
// out exactly as they went in, so rewriting the trees on the way to a package leaves every other entry unchanged.
const oid = (c: string) => c.repeat(40);
const raw = (mode: string, name: Buffer, id: string) =>
  Buffer.concat([Buffer.from(`${mode} `), name, Buffer.from([0]), Buffer.from(id, 'hex')]);

describe('tree bytes', () => {
  const latin1 = Buffer.from([0x63, 0x61, 0x66, 0xe9]); // "café" in Latin-1
  const tree = Buffer.concat([raw('100644', latin1, oid('a')), raw('040000', Buffer.from('old'), oid('b'))]);

  it('parse then encode gives back the same bytes', () => {
    const entries = parseTree(tree);
    expect(entries[0]!.name).toBe('caf\ufffd');
    expect(encodeTree(entries).equals(tree)).toBe(true);
  });

  it('replacing one subtree keeps the other entries byte for byte', () => {
    const store = new ObjectStore();
    const root = store.add('tree', tree);
    const pkg = store.writeTree([{ mode: '100644', name: 'Kptfile', oid: oid('c') }]);
    const next = store.get(replaceSubtree(store, root, 'pkgs/app', pkg), 'tree').data;
    expect(next.includes(raw('100644', latin1, oid('a')))).toBe(true);
    expect(next.includes(raw('040000', Buffer.from('old'), oid('b')))).toBe(true);
  });
});
