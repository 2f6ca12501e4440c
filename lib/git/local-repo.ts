/**
 * The state of one git operation against a remote: its HTTP client (explicit timeouts) and an in-memory object
 * store holding what was fetched and what is to be pushed. Nothing touches the disk and nothing outlives the call.
 */
import type { HttpClient } from 'isomorphic-git';
import { createHttpClient } from './http-client.js';
import { ObjectStore } from './object-store.js';
import type { RemoteSpec } from './types.js';

export interface LocalRepo {
  remote: RemoteSpec;
  http: HttpClient;
  store: ObjectStore;
}

/** Runs `fn` with `reuse` (objects fetched by an earlier step of the same operation) or a fresh object store. */
export async function withLocalRepo<T>(
  remote: RemoteSpec,
  fn: (repo: LocalRepo) => Promise<T>,
  reuse?: LocalRepo,
): Promise<T> {
  return fn(reuse ?? { remote, http: createHttpClient(remote.timeoutMs), store: new ObjectStore() });
}

/** HTTP headers carrying the remote's credentials, sent up front (saves the 401 round trip). */
export function authHeaders(remote: RemoteSpec): Record<string, string> {
  const auth = remote.auth;
  if (!auth) return {};
  if ('bearerToken' in auth) return { authorization: `Bearer ${auth.bearerToken}` };
  return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
}

/** POSTs a smart-HTTP service request and returns the response body; non-200 answers throw like isomorphic-git. */
export async function postService(repo: LocalRepo, service: 'git-upload-pack' | 'git-receive-pack', body: Buffer) {
  const res = await repo.http.request({
    url: `${repo.remote.url.replace(/\/$/, '')}/${service}`,
    method: 'POST',
    headers: {
      'content-type': `application/x-${service}-request`,
      accept: `application/x-${service}-result`,
      'user-agent': 'git/porch-serverless',
      ...authHeaders(repo.remote),
    },
    body: [body][Symbol.iterator]() as unknown as AsyncIterableIterator<Uint8Array>,
  });
  if (res.statusCode !== 200) {
    if (res.body) for await (const _ of res.body) void _;
    throw Object.assign(new Error(`HTTP ${res.statusCode}`), {
      code: 'HttpError',
      data: { statusCode: res.statusCode, statusMessage: res.statusMessage },
    });
  }
  return res.body![Symbol.asyncIterator]();
}
