/**
 * Smart-HTTP discovery (gitprotocol-http): `GET …/info/refs?service=…`, asking for protocol v2. A v2 server answers
 * with its capabilities; a v0/v1 server with its refs, the capabilities on the first line. Every later request of
 * the operation sends only what was advertised here, to where this request was redirected.
 */
import type { GitLimits } from '../config.js';
import { GitError, httpStatusError, redact } from './errors.js';
import { credentialsFor, type GitService, type LocalRepo } from './local-repo.js';
import { PktReader } from './pkt-line.js';
import type { RemoteSpec } from './types.js';

export interface Advertisement {
  version: 0 | 2;
  /** v0: capabilities of the first ref line; v2: capability lines (`fetch` → `shallow filter`). */
  caps: Map<string, string>;
  /** v0: advertised refs → oid (empty for v2, whose refs come from ls-refs). */
  refs: Map<string, string>;
  /** v0: annotated tags → the commit they peel to. */
  peeled: Map<string, string>;
}

/**
 * Protocol-v2 upload-pack advertisements per remote object, with the URL the conversation continues at. A v2
 * advertisement holds capabilities only (refs come from each ls-refs), so the operations that share one RemoteSpec
 * (a sync: its ref listings and its fetches) share one discovery request, as one git process does. v0/v1
 * advertisements carry refs and receive-pack's carry the old values a push compares against: those stay per
 * operation, always fresh.
 */
const sharedV2 = new WeakMap<RemoteSpec, { ad: Advertisement; baseUrl: string }>();

/** The advertisement of `service`, read once per operation (once per remote object for a v2 upload-pack). */
export async function advertisement(repo: LocalRepo, service: GitService): Promise<Advertisement> {
  const cached = repo.advertised[service];
  if (cached) return cached;
  const shared = service === 'git-upload-pack' ? sharedV2.get(repo.remote) : undefined;
  if (shared) {
    repo.baseUrl = shared.baseUrl;
    repo.advertised[service] = shared.ad;
    return shared.ad;
  }
  const suffix = `/info/refs?service=${service}`;
  const res = await repo.http.request({
    url: `${repo.baseUrl}${suffix}`,
    method: 'GET',
    headers: {
      accept: `application/x-${service}-advertisement`,
      'user-agent': 'git/porch-serverless',
      'git-protocol': 'version=2',
      ...credentialsFor(repo),
    },
    step: 'ref discovery',
    maxBytes: repo.limits.maxAdvertisementBytes,
  });
  // Errors name the URL that answered: after a redirect, that is where the failure is.
  const answered = res.url.endsWith(suffix) ? res.url.slice(0, -suffix.length) : res.url;
  if (res.status !== 200) {
    res.discard();
    throw httpStatusError(res.status, 'ref discovery', answered);
  }
  if (!res.contentType.startsWith(`application/x-${service}-advertisement`)) {
    res.discard();
    throw new GitError('protocol', `git: ${redact(answered)} is not a smart-HTTP git server`);
  }
  if (!res.url.endsWith(suffix)) {
    res.discard();
    throw new GitError('protocol', `git: ${redact(repo.baseUrl)} redirected ref discovery somewhere unusable`);
  }
  repo.baseUrl = res.url.slice(0, -suffix.length);
  const reader = new PktReader(res.body);
  try {
    const parsed = await parseAdvertisement(reader, service, repo.limits, redact(repo.baseUrl));
    repo.advertised[service] = parsed;
    if (service === 'git-upload-pack' && parsed.version === 2) {
      sharedV2.set(repo.remote, { ad: parsed, baseUrl: repo.baseUrl });
    }
    return parsed;
  } finally {
    await reader.drain().catch(() => undefined);
  }
}

async function parseAdvertisement(
  reader: PktReader,
  service: GitService,
  limits: GitLimits,
  where: string,
): Promise<Advertisement> {
  const bad = (what: string) => new GitError('protocol', `git: ${where} sent a malformed ref advertisement (${what})`);
  let p = await reader.read();
  if (p instanceof Buffer && p.toString('latin1').startsWith('# service=')) {
    if ((await reader.read()) !== 'flush') throw bad('no flush after the service line');
    p = await reader.read();
  }
  const ad: Advertisement = { version: 0, caps: new Map(), refs: new Map(), peeled: new Map() };
  if (p instanceof Buffer && p.toString('latin1') === 'version 2\n') {
    ad.version = 2;
    for (p = await reader.read(); p instanceof Buffer; p = await reader.read()) {
      const [key, ...value] = p.toString('latin1').trimEnd().split('=');
      ad.caps.set(key!, value.join('='));
    }
    return ad;
  }
  if (p instanceof Buffer && p.toString('latin1') === 'version 1\n') p = await reader.read();
  for (let first = true; p instanceof Buffer; p = await reader.read(), first = false) {
    if (p.length > limits.maxRefLineBytes) throw refBoundError('a ref line longer', limits.maxRefLineBytes, where);
    const line = p.toString('latin1').replace(/\n$/, '');
    const nul = line.indexOf('\0');
    if (first && nul >= 0) {
      for (const cap of line
        .slice(nul + 1)
        .split(' ')
        .filter(Boolean)) {
        const eq = cap.indexOf('=');
        ad.caps.set(eq < 0 ? cap : cap.slice(0, eq), eq < 0 ? '' : cap.slice(eq + 1));
      }
    }
    const m = /^([0-9a-f]{40}) (\S+)$/.exec(nul >= 0 ? line.slice(0, nul) : line);
    if (!m) throw bad('an unreadable ref line');
    const [, oid, name] = m;
    if (name === 'capabilities^{}') continue;
    if (name!.endsWith('^{}')) ad.peeled.set(name!.slice(0, -3), oid!);
    else ad.refs.set(name!, oid!);
    if (ad.refs.size > limits.maxRefs) throw refBoundError('more refs', limits.maxRefs, where);
  }
  if (p !== 'flush' && !(p === 'end' && service === 'git-receive-pack' && ad.refs.size === 0)) {
    throw bad('no closing flush');
  }
  return ad;
}

/** The error for a ref listing over one of its bounds. */
export function refBoundError(what: string, limit: number, where: string): GitError {
  return new GitError('too-large', `git: ${where} advertised ${what} than the limit of ${limit}`);
}
