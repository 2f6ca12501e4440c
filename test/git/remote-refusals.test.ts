/**
 * A server's refusal in git's own framing is carried, sanitised, into a typed error: a push its fsck refuses is a
 * permanent 409 with the server's reason (not a retryable 503); a fetch refused with `ERR` is a retryable 503.
 */
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitRefusedError, GitUnavailableError } from '../../lib/git/errors.js';
import { publishRevision } from '../../lib/git/publish-revision.js';
import { readDirectoryAtRef } from '../../lib/git/read-directory.js';
import { createFixtureRepo, kptfile } from '../support/git-fixtures.js';
import { startGitServer, type GitServer } from '../support/git-server.js';

let root: string;
let server: GitServer;
const flag = () => join(root, 'not-our-ref.flag');

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'porch-refusals-'));
  server = await startGitServer(root, 0, { forge: { notOurRefWhile: join(root, 'not-our-ref.flag') } });
});
afterAll(async () => {
  await server.stop();
  await rm(root, { recursive: true, force: true });
});

describe('refusals', () => {
  it('a push the server fsck refuses is a 409 carrying its reason, and nothing moves', async () => {
    const repo = await createFixtureRepo(root, 'fsck');
    await repo.bare('config', 'receive.fsckObjects', 'true');
    const head = await repo.bare('rev-parse', 'main');
    const remote = { url: `${server.url}/fsck.git`, branch: 'main', directory: '', timeoutMs: 5000 };
    const started = Date.now();
    const err = await publishRevision(remote, {
      packagePath: 'p',
      workspace: 'w',
      revision: 1,
      // A submodule name that climbs out of .git/modules: our file rules allow the file, git's fsck refuses it.
      files: { Kptfile: kptfile('p'), '.gitmodules': '[submodule "../../evil"]\n\tpath = x\n\turl = ./x\n' },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitRefusedError);
    expect((err as GitRefusedError).code).toBe(409);
    expect((err as GitRefusedError).failure).toBe('refused');
    expect((err as Error).message).toMatch(/^git push refused: unpack .*gitmodulesName/);
    expect((err as Error).message.length).toBeLessThan(240);
    // Not retried: a refusal of the objects themselves is the same every time.
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await repo.bare('rev-parse', 'main')).toBe(head);
    expect(await repo.bare('tag', '--list')).toBe('');
  });

  it('a fetch refused with ERR is a retryable 503 with the reason, and works once the server recovers', async () => {
    const repo = await createFixtureRepo(root, 'flaky');
    await repo.writePackage('p');
    await repo.commit('p');
    await repo.tag('p/v1');
    await repo.push();
    const source = { url: `${server.url}/flaky.git`, timeoutMs: 5000 };
    await writeFile(flag(), '');
    const err = await readDirectoryAtRef(source, 'v1', 'p').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitUnavailableError);
    expect((err as GitUnavailableError).failure).toBe('refused');
    expect((err as Error).message).toMatch(/the server refused the request: upload-pack: not our ref [0-9a-f]{40}$/);
    await unlink(flag());
    const read = await readDirectoryAtRef(source, 'v1', 'p');
    expect(Object.keys(read.files)).toEqual(['Kptfile']);
  });
});
