/**
 * A scratch bare repository for one git operation: a temp directory under os.tmpdir() (Lambda's /tmp), one shared
 * isomorphic-git `cache` (reading without it is ~50× slower), removed when the operation ends.
 */
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import git from 'isomorphic-git';
import type { HttpClient } from 'isomorphic-git';
import { createHttpClient } from './http-client.js';
import type { RemoteSpec } from './types.js';

export interface LocalRepo {
  fs: typeof fs;
  gitdir: string;
  dir: string;
  cache: object;
  http: HttpClient;
  remote: RemoteSpec;
}

/** Runs `fn` with a fresh scratch repository for `remote`; the directory is removed afterwards, whatever happens. */
export async function withLocalRepo<T>(remote: RemoteSpec, fn: (repo: LocalRepo) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'porch-git-'));
  try {
    await git.init({ fs, gitdir: dir, bare: true, defaultBranch: remote.branch || 'main' });
    return await fn({ fs, gitdir: dir, dir, cache: {}, http: createHttpClient(remote.timeoutMs), remote });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** HTTP headers carrying the remote's credentials, sent up front (saves the 401 round trip). */
export function authHeaders(remote: RemoteSpec): Record<string, string> {
  const auth = remote.auth;
  if (!auth) return {};
  if ('bearerToken' in auth) return { authorization: `Bearer ${auth.bearerToken}` };
  return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
}
