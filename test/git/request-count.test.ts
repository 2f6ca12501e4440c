/**
 * What one sync costs in requests (docs/git-transport.md): against a protocol-v2 server the ref listings and the
 * fetches of one remote object share one discovery request, while a v0/v1 server's advertisement (it carries the
 * refs) is read afresh by every listing; a tag on the commit the branch fetch brought needs no second fetch.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverRevisions, listRemoteRefs, type RemoteSpec } from '../../lib/git/index.js';
import { countingProxy } from '../support/counting-proxy.js';
import { createFixtureRepo } from '../support/git-fixtures.js';
import { startGitServer, type GitServer } from '../support/git-server.js';

let root: string;
let servers: GitServer[] = [];
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'porch-request-count-'));
  const repo = await createFixtureRepo(root, 'r', { allowFilter: false });
  await repo.writePackage('pkgs/a');
  await repo.commit('a');
  await repo.tag('pkgs/a/v1');
  await repo.push();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await rm(root, { recursive: true, force: true });
});

describe.each([
  ['protocol v2', true],
  ['protocol v0/v1', false],
])('one sync against %s', (_label, v2) => {
  it('lists twice and discovers with the discovery requests git itself would make', async () => {
    const server = await startGitServer(root, 0, { protocolV2: v2 });
    servers.push(server);
    const proxy = await countingProxy(server.url);
    try {
      const remote: RemoteSpec = { url: `${proxy.url}/r.git`, branch: 'main', directory: '', timeoutMs: 10_000 };
      await listRemoteRefs(remote);
      const refs = await listRemoteRefs(remote);
      const { revisions } = await discoverRevisions(remote, refs);
      expect(revisions.map((r) => `${r.packagePath}#${r.revision}`).sort()).toEqual(['pkgs/a#-1', 'pkgs/a#1']);
      // v2: one discovery for the whole sync; v0/v1: each listing reads the refs afresh, the fetch reuses none.
      expect(proxy.counts.discovery).toBe(v2 ? 1 : 3);
      // The tag is on the branch head: the branch fetch brought it, so there is one fetch.
      expect(proxy.counts.posts).toEqual(v2 ? ['ls-refs', 'ls-refs', 'fetch'] : ['v0']);
      await listRemoteRefs({ ...remote });
      expect(proxy.counts.discovery).toBe(v2 ? 2 : 4);
    } finally {
      await proxy.stop();
    }
  });
});
