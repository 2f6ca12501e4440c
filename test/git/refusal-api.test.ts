/**
 * Through the approval API: a push the server keeps refusing (a protected branch's pre-receive hook) is retried as
 * Porch does (docs/porch-semantics.md §7.4), then answered 409 with the server's sanitised reason, not a 503 to
 * retry; the revision stays Proposed and nothing reached git.
 */
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from '../support/git-fixtures.js';
import { createHarness, newRevision, PR, withLifecycle, type Harness } from '../api/harness.js';

let h: Harness;

beforeAll(async () => {
  h = await createHarness();
  const repo = await h.addRepository('guarded');
  const hook = join(repo.bareDir, 'hooks', 'pre-receive');
  // A control character and an escape sequence in the reason: they must not reach the API response.
  await writeFile(
    hook,
    '#!/bin/sh\nprintf "error: GH006: Protected branch update failed for refs/heads/main.\\033[31m\\n" >&2\nexit 1\n',
  );
  await chmod(hook, 0o755);
});
afterAll(async () => h?.close());

describe('a push the server refuses for good', () => {
  it('is a 409 with the reason after the retries, and nothing changes', async () => {
    const created = await h.call('POST', PR, { body: newRevision('guarded', 'app', 'ws1') });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const name = created.body.metadata.name;
    const proposed = await h.call('PUT', `${PR}/${name}`, { body: withLifecycle(created.body, 'Proposed') });
    expect(proposed.status).toBe(200);
    const res = await h.call('PUT', `${PR}/${name}/approval`, { body: withLifecycle(proposed.body, 'Published') });
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(res.body.reason).toBe('Conflict');
    expect(res.body.message).toMatch(
      /^git push of refs\/(heads\/main|tags\/app\/v1) refused: pre-receive hook declined: error: GH006: Protected branch update failed for refs\/heads\/main\. \[31m$/,
    );
    expect((await h.call('GET', `${PR}/${name}`)).body.spec.lifecycle).toBe('Proposed');
    expect(await git(h.repos.guarded!.bareDir, 'tag', '--list')).toBe('');
  });
});
