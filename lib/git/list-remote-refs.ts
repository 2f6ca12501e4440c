import git from 'isomorphic-git';
import { remoteCall } from './errors.js';
import { createHttpClient } from './http-client.js';
import { authHeaders, withLocalRepo } from './local-repo.js';
import { FLUSH, PktReader, pktLine } from './pkt-line.js';
import type { RemoteSpec } from './types.js';

/**
 * The remote's branches and tags as ref → commit oid, annotated tags peeled to their commit: one protocol-v2
 * `ls-refs` request (no capability round trip first), as cheap as `git ls-remote`. Servers without protocol v2
 * are asked through isomorphic-git's listServerRefs, which speaks v1.
 */
export async function listRemoteRefs(remote: RemoteSpec): Promise<Record<string, string>> {
  return listRefs(remote, ['refs/heads/', 'refs/tags/']);
}

/** Refs whose names start with `prefix`, peeled; e.g. one branch or one package's tags. */
export async function listRefsWithPrefix(remote: RemoteSpec, prefix: string): Promise<Record<string, string>> {
  const refs = await listRefs(remote, [prefix]);
  for (const ref of Object.keys(refs)) if (!ref.startsWith(prefix)) delete refs[ref];
  return refs;
}

async function listRefs(remote: RemoteSpec, prefixes: string[]): Promise<Record<string, string>> {
  return remoteCall(remote.url, async () => (await lsRefsV2(remote, prefixes)) ?? (await lsRefsV1(remote, prefixes)));
}

/** undefined when the server does not answer in protocol v2. */
async function lsRefsV2(remote: RemoteSpec, prefixes: string[]): Promise<Record<string, string> | undefined> {
  const body = Buffer.concat([
    pktLine('command=ls-refs\n'),
    pktLine('agent=porch-serverless\n'),
    Buffer.from('0001'),
    pktLine('peel\n'),
    ...prefixes.map((p) => pktLine(`ref-prefix ${p}\n`)),
    FLUSH,
  ]);
  return withLocalRepo(remote, async (repo) => {
    const res = await repo.http.request({
      url: `${remote.url.replace(/\/$/, '')}/git-upload-pack`,
      method: 'POST',
      headers: {
        'content-type': 'application/x-git-upload-pack-request',
        accept: 'application/x-git-upload-pack-result',
        'git-protocol': 'version=2',
        'user-agent': 'git/porch-serverless',
        ...authHeaders(remote),
      },
      body: [body][Symbol.iterator]() as unknown as AsyncIterableIterator<Uint8Array>,
    });
    if (res.statusCode === 401 || res.statusCode === 403 || res.statusCode === 404) {
      if (res.body) for await (const _ of res.body) void _;
      throw Object.assign(new Error(`HTTP ${res.statusCode}`), {
        code: 'HttpError',
        data: { statusCode: res.statusCode },
      });
    }
    if (res.statusCode !== 200 || !res.body) {
      if (res.body) for await (const _ of res.body) void _;
      return undefined;
    }
    const refs: Record<string, string> = {};
    const reader = new PktReader(res.body);
    try {
      let p = await reader.read();
      for (; p instanceof Buffer; p = await reader.read()) {
        const m = /^([0-9a-f]{40}) (\S+)(?: .*?peeled:([0-9a-f]{40}))?/.exec(p.toString('utf8'));
        if (!m) return undefined;
        if (prefixes.some((prefix) => m[2]!.startsWith(prefix))) refs[m[2]!] = m[3] ?? m[1]!;
      }
      // A v2 answer ends with a flush packet; a v1 server hangs up without one.
      return p === 'flush' ? refs : undefined;
    } catch {
      return undefined;
    } finally {
      await reader.drain().catch(() => undefined);
    }
  });
}

async function lsRefsV1(remote: RemoteSpec, prefixes: string[]): Promise<Record<string, string>> {
  const refs = await git.listServerRefs({
    http: createHttpClient(remote.timeoutMs),
    url: remote.url,
    headers: authHeaders(remote),
    protocolVersion: 1,
    peelTags: true,
  });
  const result: Record<string, string> = {};
  for (const r of refs) {
    if (r.ref.endsWith('^{}') || !prefixes.some((p) => r.ref.startsWith(p))) continue;
    result[r.ref] = r.peeled ?? r.oid;
  }
  return result;
}
