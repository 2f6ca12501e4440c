/**
 * The state of one git operation against a remote: its HTTP client (one deadline, the outbound policy), what the
 * server advertised, and an in-memory object store holding what was fetched and what is to be pushed. Nothing
 * touches the disk and nothing outlives the call.
 */
import { config, type GitLimits } from '../config.js';
import type { Advertisement } from './advertisement.js';
import { GitError, httpStatusError, redact } from './errors.js';
import { createHttpClient, type GitHttp } from './http-client.js';
import { ObjectStore } from './object-store.js';
import type { RemoteSpec } from './types.js';

export type GitService = 'git-upload-pack' | 'git-receive-pack';

export interface LocalRepo {
  remote: RemoteSpec;
  http: GitHttp;
  store: ObjectStore;
  limits: GitLimits;
  /** Bytes inflated so far by this operation (bounded by limits.maxInflatedBytes). */
  inflated: { bytes: number };
  /** Advertisements read by this operation, per service. */
  advertised: Partial<Record<GitService, Advertisement>>;
  /**
   * Where the conversation continues: the remote URL, or where its ref discovery was redirected to (git follows a
   * redirect of `GET …/info/refs` for the rest of the conversation; some forges redirect only that request).
   */
  baseUrl: string;
}

/** The URL service paths are appended to: a query or fragment (`…/role#`) must not swallow them. */
function serviceBase(url: string): string {
  const base = new URL(url);
  base.search = '';
  base.hash = '';
  return base.toString().replace(/\/+$/, '');
}

/** A fresh operation against `remote`: its deadline starts now. */
export function openLocalRepo(remote: RemoteSpec): LocalRepo {
  const limits = remote.limits ?? config().gitLimits;
  const allowed = remote.allowedNetworks ?? config().gitAllowedNetworks;
  return {
    remote,
    http: createHttpClient({ timeoutMs: remote.timeoutMs, limits, allowed }),
    store: new ObjectStore(),
    limits,
    inflated: { bytes: 0 },
    advertised: {},
    baseUrl: serviceBase(remote.url),
  };
}

/** Runs `fn` with `reuse` (objects fetched by an earlier step of the same operation) or a fresh operation. */
export async function withLocalRepo<T>(
  remote: RemoteSpec,
  fn: (repo: LocalRepo) => Promise<T>,
  reuse?: LocalRepo,
): Promise<T> {
  return fn(reuse ?? openLocalRepo(remote));
}

/** HTTP headers carrying the remote's credentials, sent up front (saves the 401 round trip). */
function authHeaders(remote: RemoteSpec): Record<string, string> {
  const auth = remote.auth;
  if (!auth) return {};
  if ('bearerToken' in auth) return { authorization: `Bearer ${auth.bearerToken}` };
  return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
}

/**
 * The credentials for a request of the operation: the remote's, unless ref discovery was redirected to another
 * origin (then that origin gets none, as on any redirect that leaves the origin).
 */
export function credentialsFor(repo: LocalRepo): Record<string, string> {
  return new URL(repo.baseUrl).origin === new URL(repo.remote.url).origin ? authHeaders(repo.remote) : {};
}

export interface ServiceCall {
  /** `version=2` to speak protocol v2. */
  protocol?: string;
  step: string;
  maxBytes: number;
}

/**
 * POSTs a smart-HTTP service request and returns the response body. Any answer but 200 with git's result content
 * type fails with our own description of it; the body of such an answer is never read.
 */
export async function postService(repo: LocalRepo, service: GitService, body: Buffer, call: ServiceCall) {
  const res = await repo.http.request({
    url: `${repo.baseUrl}/${service}`,
    method: 'POST',
    headers: {
      'content-type': `application/x-${service}-request`,
      accept: `application/x-${service}-result`,
      'user-agent': 'git/porch-serverless',
      ...(call.protocol ? { 'git-protocol': call.protocol } : {}),
      ...credentialsFor(repo),
    },
    body,
    step: call.step,
    maxBytes: call.maxBytes,
  });
  if (res.status !== 200) {
    res.discard();
    throw httpStatusError(res.status, call.step, repo.baseUrl);
  }
  if (!res.contentType.startsWith(`application/x-${service}-result`)) {
    res.discard();
    throw new GitError(
      'protocol',
      `git: ${redact(repo.baseUrl)} answered ${call.step} with a response that is not git's`,
    );
  }
  return res.body;
}
