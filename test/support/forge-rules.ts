/**
 * Rules that make the test git server behave like the forges our users run (docs/git-transport.md, "Forges"):
 * each rewrites what git-http-backend advertises or refuses a request the way that forge does.
 */
import { existsSync } from 'node:fs';

export interface ForgeRules {
  /** GitLab for URLs without `.git`: only `GET …/info/refs` is redirected, a POST there is 404. `all`: every request. */
  redirect?: 'discovery' | 'all';
  /** Azure DevOps: an upload-pack request without `multi_ack` is HTTP 400 (TF401041). */
  requireMultiAck?: boolean;
  /** A server that advertises `shallow` and ignores `deepen` (sends history). */
  ignoreDeepen?: boolean;
  /** While this file exists, every fetch is refused with `ERR upload-pack: not our ref`. */
  notOurRefWhile?: string;
  /** Dulwich: v0/v1 only, its capability set only, `thin-pack` required, only advertised tips may be wanted. */
  dulwichStrict?: boolean;
  /** No `ofs-delta` advertised, so packs come with REF_DELTA deltas. */
  refDeltaOnly?: boolean;
}

/** What Dulwich 0.21 advertises (and accepts) for each service. */
const DULWICH_CAPS: Record<string, Set<string>> = {
  'git-upload-pack': new Set([
    'multi_ack',
    'multi_ack_detailed',
    'side-band-64k',
    'thin-pack',
    'ofs-delta',
    'no-progress',
    'include-tag',
    'shallow',
    'no-done',
    'symref',
    'agent',
  ]),
  'git-receive-pack': new Set([
    'report-status',
    'delete-refs',
    'quiet',
    'ofs-delta',
    'side-band-64k',
    'no-done',
    'agent',
  ]),
};

export interface Refusal {
  status: number;
  contentType: string;
  body: Buffer;
}

function pkt(data: string | Buffer): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  return Buffer.concat([Buffer.from((bytes.length + 4).toString(16).padStart(4, '0')), bytes]);
}

/** Splits a pkt-line stream into packets (flush/delim as empty markers) and whatever follows them raw. */
function splitPackets(buf: Buffer, stopAfterFlushes = Infinity): { packets: (Buffer | null)[]; rest: Buffer } {
  const packets: (Buffer | null)[] = [];
  let pos = 0;
  let flushes = 0;
  while (pos + 4 <= buf.length && flushes < stopAfterFlushes) {
    const len = Number.parseInt(buf.toString('latin1', pos, pos + 4), 16);
    if (len < 4) {
      packets.push(null);
      pos += 4;
      if (len === 0) flushes++;
      continue;
    }
    packets.push(buf.subarray(pos + 4, pos + len));
    pos += len;
  }
  return { packets, rest: buf.subarray(pos) };
}

const capName = (cap: string) => cap.split('=')[0]!;

/** The advertisement with the first ref line's capabilities narrowed to what the forge offers. */
export function rewriteAdvertisement(body: Buffer, service: string, rules: ForgeRules): Buffer {
  const { packets, rest } = splitPackets(body);
  const out = packets.map((p) => {
    if (!p) return Buffer.from('0000');
    const line = p.toString('latin1');
    const nul = line.indexOf('\0');
    if (nul < 0) return pkt(p);
    const caps = line
      .slice(nul + 1)
      .trimEnd()
      .split(' ')
      .filter((c) => !(rules.dulwichStrict && !DULWICH_CAPS[service]!.has(capName(c))))
      .filter((c) => !(rules.refDeltaOnly && c === 'ofs-delta'));
    return pkt(`${line.slice(0, nul)}\0${caps.join(' ')}\n`);
  });
  return Buffer.concat([...out, rest]);
}

const refusal = (status: number, text: string): Refusal => ({
  status,
  contentType: 'text/plain',
  body: Buffer.from(text),
});

/**
 * Checks a POSTed service request against the rules; answers the forge's refusal, or the request body to hand to
 * git-http-backend (rewritten where the forge ignores something).
 */
export function applyRequestRules(
  service: string,
  body: Buffer,
  rules: ForgeRules,
  tips: () => Set<string>,
): Refusal | Buffer {
  const { packets, rest } = splitPackets(body, 1);
  const lines = packets.map((p) => p?.toString('latin1') ?? '');
  const first = lines[0] ?? '';
  const caps = (service === 'git-upload-pack' ? first.split(' ').slice(2) : (first.split('\0')[1]?.split(' ') ?? []))
    .map((c) => c.trim())
    .filter(Boolean);
  if (service === 'git-upload-pack') {
    const want = lines
      .find((l) => l.startsWith('want '))
      ?.split(' ')[1]
      ?.trim();
    if (want && rules.notOurRefWhile && existsSync(rules.notOurRefWhile)) {
      return {
        status: 200,
        contentType: 'application/x-git-upload-pack-result',
        body: pkt(`ERR upload-pack: not our ref ${want}`),
      };
    }
    if (rules.requireMultiAck && !caps.some((c) => c === 'multi_ack' || c === 'multi_ack_detailed')) {
      return refusal(400, 'TF401041: The client must request multi_ack.');
    }
    if (rules.dulwichStrict) {
      if (!caps.includes('thin-pack')) return refusal(500, 'dulwich: client does not support thin-pack');
      const known = tips();
      for (const line of lines.filter((l) => l.startsWith('want '))) {
        if (!known.has(line.split(' ')[1]!.trim()))
          return refusal(500, `Client wants invalid object ${line.split(' ')[1]}`);
      }
    }
  }
  if (rules.dulwichStrict) {
    const unknown = caps.find((c) => !DULWICH_CAPS[service]!.has(capName(c)));
    if (unknown) return refusal(500, `dulwich: client asked for unadvertised capability ${unknown}`);
  }
  if (rules.ignoreDeepen && service === 'git-upload-pack') {
    const kept = packets.filter((p) => !p?.toString('latin1').startsWith('deepen '));
    return Buffer.concat([...kept.map((p) => (p ? pkt(p) : Buffer.from('0000'))), rest]);
  }
  return body;
}
