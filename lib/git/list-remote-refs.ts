import { advertisement, refBoundError } from './advertisement.js';
import { GitError, redact, remoteCall } from './errors.js';
import { postService, withLocalRepo, type LocalRepo } from './local-repo.js';
import { FLUSH, PktReader, pktLine } from './pkt-line.js';
import type { RemoteSpec } from './types.js';

/**
 * The remote's branches and tags as ref → commit oid, annotated tags peeled to their commit: from a protocol-v2
 * `ls-refs` with ref prefixes (as cheap as `git ls-remote`), or from the ref advertisement of a v0/v1 server.
 */
export async function listRemoteRefs(remote: RemoteSpec): Promise<Record<string, string>> {
  return listRefs(remote, ['refs/heads/', 'refs/tags/']);
}

/** Refs whose names start with one of `prefixes`, peeled; e.g. one branch, a few tags or one package's tags. */
export async function listRefsWithPrefix(remote: RemoteSpec, ...prefixes: string[]): Promise<Record<string, string>> {
  return listRefs(remote, prefixes);
}

async function listRefs(remote: RemoteSpec, prefixes: string[]): Promise<Record<string, string>> {
  return remoteCall(remote.url, () =>
    withLocalRepo(remote, async (repo) => {
      const refs = await listRefsOf(repo, prefixes);
      for (const ref of Object.keys(refs)) if (!prefixes.some((p) => ref.startsWith(p))) delete refs[ref];
      return refs;
    }),
  );
}

/** Refs under `prefixes` (and possibly others: a server may ignore prefixes), peeled, within the ref bounds. */
async function listRefsOf(repo: LocalRepo, prefixes: string[]): Promise<Record<string, string>> {
  const ad = await advertisement(repo, 'git-upload-pack');
  if (ad.version === 0) {
    const refs: Record<string, string> = {};
    for (const [ref, oid] of ad.refs) refs[ref] = ad.peeled.get(ref) ?? oid;
    return refs;
  }
  const body = Buffer.concat([
    pktLine('command=ls-refs\n'),
    ...(ad.caps.has('agent') ? [pktLine('agent=porch-serverless\n')] : []),
    Buffer.from('0001'),
    pktLine('peel\n'),
    ...prefixes.map((p) => pktLine(`ref-prefix ${p}\n`)),
    FLUSH,
  ]);
  const where = redact(repo.baseUrl);
  const reader = new PktReader(
    await postService(repo, 'git-upload-pack', body, {
      protocol: 'version=2',
      step: 'ls-refs',
      maxBytes: repo.limits.maxAdvertisementBytes,
    }),
  );
  const refs: Record<string, string> = {};
  let count = 0;
  try {
    let p = await reader.read();
    for (; p instanceof Buffer; p = await reader.read()) {
      if (p.length > repo.limits.maxRefLineBytes)
        throw refBoundError('a ref line longer', repo.limits.maxRefLineBytes, where);
      if (++count > repo.limits.maxRefs) throw refBoundError('more refs', repo.limits.maxRefs, where);
      const m = /^([0-9a-f]{40}) (\S+)(?: .*?peeled:([0-9a-f]{40}))?/.exec(p.toString('latin1'));
      if (!m) throw new GitError('protocol', `git: ${where} sent an unreadable ls-refs line`);
      refs[m[2]!] = m[3] ?? m[1]!;
    }
    if (p !== 'flush') throw new GitError('protocol', `git: ${where} ended ls-refs without a flush`);
    return refs;
  } finally {
    await reader.drain().catch(() => undefined);
  }
}
