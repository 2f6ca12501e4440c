/**
 * The outbound policy every git request passes (docs/git-transport.md): the host is resolved once, every address it
 * resolves to must be public unicast unless GIT_ALLOWED_NETWORKS allows it, and the socket connects to the address
 * that was checked (the lookup handed to node:http answers with it; there is no second resolution to rebind).
 * Link-local addresses (cloud metadata endpoints) are refused whatever the allow-list says.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { AllowedNetworks } from '../config.js';
import { GitError } from './errors.js';

/** An address the policy accepted for a host, and the lookup that makes node:http connect to exactly it. */
export interface CheckedAddress {
  address: string;
  family: 4 | 6;
  lookup: LookupFunction;
}

/** AWS's IPv6 instance metadata endpoint: unique-local by range, metadata by use. */
const METADATA_V6 = ipaddr.parse('fd00:ec2::254');

/** The range name of an address that is not public unicast, or undefined when it is public. */
function nonPublicRange(address: ipaddr.IPv4 | ipaddr.IPv6): string | undefined {
  let addr = address;
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    addr = (addr as ipaddr.IPv6).toIPv4Address();
  }
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).toNormalizedString() === METADATA_V6.toNormalizedString()) {
    return 'linkLocal';
  }
  const range = addr.range();
  return range === 'unicast' ? undefined : range;
}

function hostAllowed(host: string, allowed: AllowedNetworks): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return allowed.hosts.some((h) => (h.startsWith('*.') ? name.endsWith(h.slice(1)) : h === name));
}

function addressAllowed(address: ipaddr.IPv4 | ipaddr.IPv6, allowed: AllowedNetworks): boolean {
  const candidates = [address];
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    candidates.push((address as ipaddr.IPv6).toIPv4Address());
  }
  return candidates.some((a) => allowed.cidrs.some(([net, bits]) => net.kind() === a.kind() && a.match(net, bits)));
}

/** Why the policy refuses `ip` for `host`, or undefined when the connection may go ahead. */
export function refusalReason(ip: string, host: string, allowed: AllowedNetworks): string | undefined {
  const address = ipaddr.parse(ip);
  const range = nonPublicRange(address);
  if (!range) return undefined;
  if (range === 'linkLocal') return 'a link-local address, which is never allowed';
  if (hostAllowed(host, allowed) || addressAllowed(address, allowed)) return undefined;
  return `a ${range} address, which GIT_ALLOWED_NETWORKS does not allow`;
}

/** Resolves the URL's host once and checks every address; throws GitError 'policy' naming the host, not the address. */
export async function checkDestination(url: URL, allowed: AllowedNetworks): Promise<CheckedAddress> {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new GitError('policy', `git: only http and https remotes are allowed, not ${url.protocol}`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const answers = isIP(host)
    ? [{ address: host, family: isIP(host) }]
    : await dnsLookup(host, { all: true, verbatim: true }).catch((err: NodeJS.ErrnoException) => {
        throw Object.assign(new Error(`cannot resolve ${host}`), { code: err.code ?? 'ENOTFOUND' });
      });
  if (answers.length === 0) throw Object.assign(new Error(`cannot resolve ${host}`), { code: 'ENOTFOUND' });
  // Every answer must pass: a name that also resolves to an internal address is refused, not raced.
  for (const answer of answers) {
    const why = refusalReason(answer.address, host, allowed);
    if (why) throw new GitError('policy', `git: ${url.host} resolves to ${why}`);
  }
  const { address, family } = answers[0]!;
  const fam = family === 6 ? 6 : 4;
  const lookup: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all)
      (callback as (e: null, a: object[]) => void)(null, [{ address, family: fam }]);
    else callback(null, address, fam);
  };
  return { address, family: fam, lookup };
}
