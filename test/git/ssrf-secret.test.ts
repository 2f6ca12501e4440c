/**
 * A Repository or clone pointing at something that is not a git server (here: a fake cloud metadata endpoint on an
 * allowed address) fails saying what failed, in our words; the body it answered appears nowhere: not in the sync
 * status, not in any log line, not in the API error (issue 12 item 2).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGitError } from '../../lib/git/errors.js';
import { openLocalRepo, postService } from '../../lib/git/local-repo.js';
import { discoverRevisions, listRemoteRefs, readDirectoryAtRef } from '../../lib/git/index.js';
import { syncRepository } from '../../lib/sync/sync-repository.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { type HostileServer, SECRET, startHostileServer } from '../support/hostile-servers.js';
import { registerRepository } from '../sync/support/sync-harness.js';

let t: TestDatabase;
let server: HostileServer;
const url = () => `${server.url}/latest/meta-data/iam/security-credentials/role#`;

beforeAll(async () => {
  t = await createTestDatabase();
  server = await startHostileServer('secret');
});
afterAll(async () => {
  await server.stop();
  await t.drop();
});

/** Everything written to stdout/stderr while `fn` runs (the structured logger writes there). */
async function captureOutput<T>(fn: () => Promise<T>): Promise<{ value: T; output: string }> {
  let output = '';
  const originals = [process.stdout.write, process.stderr.write];
  const tap =
    (original: typeof process.stdout.write) =>
    (chunk: unknown, ...rest: unknown[]): boolean => {
      output += String(chunk);
      return (original as (...a: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
    };
  process.stdout.write = tap(originals[0]!) as typeof process.stdout.write;
  process.stderr.write = tap(originals[1]!) as typeof process.stderr.write;
  try {
    return { value: await fn(), output };
  } finally {
    process.stdout.write = originals[0]!;
    process.stderr.write = originals[1]!;
  }
}

describe('a non-git answer with a secret in its body', () => {
  it('fails the sync with our description; status and logs never hold the body', async () => {
    await registerRepository(t.db, { name: 'ssrf', url: url() });
    const lines: unknown[] = [];
    const { value: result, output } = await captureOutput(() =>
      syncRepository(t.db, 'ns', 'ssrf', {
        git: { listRemoteRefs, discoverRevisions },
        log: (line) => lines.push(line),
      }),
    );
    expect(result).toMatchObject({ state: 'Error' });
    const message = (result as { message: string }).message;
    // The fragment did not swallow the service path: git's own request went out, and was answered with no git.
    expect(server.requests).toContain(
      'GET /latest/meta-data/iam/security-credentials/role/info/refs?service=git-upload-pack',
    );
    expect(message).toBe(
      `git: ${server.url}/latest/meta-data/iam/security-credentials/role is not a smart-HTTP git server`,
    );
    const stored = await t.db.query('select * from repository_sync where namespace = $1 and repository = $2', [
      'ns',
      'ssrf',
    ]);
    const everything = JSON.stringify([stored.rows, lines, output]);
    expect(everything).toContain('not a smart-HTTP git server');
    expect(everything).not.toContain(SECRET.slice(0, 12));
    expect(everything).not.toContain('CYSECRETKEY');
  });

  it('fails a clone with a 503 that names the status and step, never the body (HTML error pages too)', async () => {
    const err = await readDirectoryAtRef({ url: url(), timeoutMs: 2000 }, 'main', '').catch((e: unknown) => e);
    expect((err as { code: number }).code).toBe(503);
    expect(JSON.stringify({ message: (err as Error).message, err })).not.toContain('CYSECRETKEY');
    // A POST answered 500 with an HTML page carrying the secret: our words only.
    const repo = openLocalRepo({ url: `${server.url}/r.git`, branch: 'main', directory: '', timeoutMs: 2000 });
    const posted = await postService(repo, 'git-upload-pack', Buffer.from('0000'), {
      step: 'fetch',
      maxBytes: 1024,
    }).catch((e: unknown) => toGitError(e, repo.baseUrl));
    expect((posted as Error).message).toBe(`git: ${server.url}/r.git answered HTTP 500 Internal Server Error to fetch`);
    expect(server.requests.at(-1)).toBe('POST /r.git/git-upload-pack');
  });
});
