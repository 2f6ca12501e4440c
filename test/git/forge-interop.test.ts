/**
 * The git client against servers that behave like the forges users run (test/support/forge-rules.ts): each must
 * list refs as the git CLI sees them, discover revisions (also the re-sync after a publish, which reads the
 * approval commit's second parent), publish and delete, with `git fsck --strict` clean after every write.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startGitServer, type GitServer, type GitServerOptions } from '../support/git-server.js';
import { exercise, seed } from '../support/interop.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'porch-forges-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const modes: [string, GitServerOptions, (s: GitServer, name: string) => string][] = [
  ['git http-backend, protocol v2', {}, (s, n) => `${s.url}/${n}.git`],
  ['git http-backend, protocol v0/v1', { protocolV2: false }, (s, n) => `${s.url}/${n}.git`],
  [
    'Dulwich rules (v0 only, thin-pack required, tips only)',
    { forge: { dulwichStrict: true } },
    (s, n) => `${s.url}/${n}.git`,
  ],
  [
    'GitLab: only discovery redirected (URL without .git)',
    { forge: { redirect: 'discovery' } },
    (s, n) => `${s.url}/${n}`,
  ],
  ['every request redirected', { forge: { redirect: 'all' } }, (s, n) => `${s.url}/${n}`],
  [
    'Azure DevOps: multi_ack required',
    { protocolV2: false, forge: { requireMultiAck: true } },
    (s, n) => `${s.url}/${n}.git`,
  ],
  ['deepen ignored', { protocolV2: false, forge: { ignoreDeepen: true } }, (s, n) => `${s.url}/${n}.git`],
  [
    'REF_DELTA packs (no ofs-delta)',
    { protocolV2: false, forge: { refDeltaOnly: true } },
    (s, n) => `${s.url}/${n}.git`,
  ],
  ['basic auth', { auth: { username: 'u', password: 'p' } }, (s, n) => `${s.url}/${n}.git`],
];

describe.each(modes)('against %s', (label, options, urlOf) => {
  it('lists as the git CLI does, discovers, publishes and deletes; fsck stays clean', async () => {
    const name = label.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
    const server = await startGitServer(root, 0, options);
    try {
      const repo = await seed(root, name);
      const auth = options.auth && 'username' in options.auth ? { auth: options.auth } : {};
      await exercise(root, repo, urlOf(server, name), auth);
    } finally {
      await server.stop();
    }
  });
});
