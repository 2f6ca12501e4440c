/**
 * What a git failure may put in a response body: our words and the remote's redacted URL, never an internal
 * error's message or a server file path (docs/git-transport.md "Failures"). A bug stays a bug: a 500 whose body
 * carries only the request id.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remoteCall, toGitError } from '../../lib/git/errors.js';
import { resolveGitAuth } from '../../lib/git/resolve-auth.js';
import { toErrorResponse } from '../../lib/http/error-response.js';

const url = 'http://user:pw@127.0.0.1:9/x.git?token=t';

describe('an unexpected failure inside a git call', () => {
  it('is a bug when it is a TypeError: a 500 naming only the request id', async () => {
    const bug = await remoteCall(url, async () => {
      const missing = undefined as unknown as { pack: () => void };
      missing.pack();
    }).catch((e: unknown) => e);
    expect(bug).toBeInstanceOf(TypeError);
    const { status } = toErrorResponse(bug, 'req-1');
    expect(status.code).toBe(500);
    expect(status.message).toBe('Internal error occurred: unexpected failure (request id req-1)');
  });

  it('is a 503 for anything else, without its message', () => {
    const err = toGitError(new Error('ENOSPC: no space left on device, write /var/task/tmp/pack-1'), url);
    const { status } = toErrorResponse(err, 'req-2');
    expect(status.code).toBe(503);
    expect(status.message).toBe('git: unexpected failure talking to http://127.0.0.1:9/x.git');
  });
});

describe('a credentials file the server cannot read', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'porch-creds-body-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it.each([
    ['missing', async () => join(dir, 'absent.json')],
    [
      'unparsable',
      async () => {
        const file = join(dir, 'broken.json');
        await writeFile(file, '{not json');
        await chmod(file, 0o600);
        return file;
      },
    ],
  ])('(%s) is a 503 in our words, naming neither the path nor the OS error', async (_, make) => {
    const file = await make();
    const err = await resolveGitAuth({ name: 'x' }, 'ns', { settings: { gitCredentialsFile: file } }).catch(
      (e: unknown) => e,
    );
    const { status } = toErrorResponse(err, 'req-3');
    expect(status.code).toBe(503);
    expect(status.message).toBe('git credentials file cannot be read');
  });
});
