import git from 'isomorphic-git';
import { remoteCall } from './errors.js';
import { createHttpClient } from './http-client.js';
import { authHeaders } from './local-repo.js';
import type { RemoteSpec } from './types.js';

/**
 * The remote's branches and tags as ref → commit oid, annotated tags peeled to their commit. One request with
 * protocol v2 (`ls-refs` with a prefix), as cheap as `git ls-remote`; servers without v2 answer with v1.
 */
export async function listRemoteRefs(remote: RemoteSpec): Promise<Record<string, string>> {
  const refs = await remoteCall(remote.url, () =>
    git.listServerRefs({
      http: createHttpClient(remote.timeoutMs),
      url: remote.url,
      headers: authHeaders(remote),
      protocolVersion: 2,
      prefix: 'refs/',
      peelTags: true,
    }),
  );
  const result: Record<string, string> = {};
  for (const r of refs) {
    if (!r.ref.startsWith('refs/heads/') && !r.ref.startsWith('refs/tags/')) continue;
    if (r.ref.endsWith('^{}')) continue;
    result[r.ref] = r.peeled ?? r.oid;
  }
  return result;
}

/** Refs whose names start with `prefix` (one small ls-refs request), peeled; e.g. one branch or one package's tags. */
export async function listRefsWithPrefix(remote: RemoteSpec, prefix: string): Promise<Record<string, string>> {
  const refs = await remoteCall(remote.url, () =>
    git.listServerRefs({
      http: createHttpClient(remote.timeoutMs),
      url: remote.url,
      headers: authHeaders(remote),
      protocolVersion: 2,
      prefix,
      peelTags: true,
    }),
  );
  return Object.fromEntries(refs.filter((r) => !r.ref.endsWith('^{}')).map((r) => [r.ref, r.peeled ?? r.oid]));
}
