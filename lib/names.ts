/**
 * Porch names and identities (docs/porch-semantics.md §3): how a package revision's Kubernetes name is composed from
 * its repository, package path and workspace, how it is taken apart again, and its UUIDv5 uid.
 */
import { createHash } from 'node:crypto';
import { PORCH_GROUP, VERSION } from './api-groups.js';

/** The parts a package revision name is made of. `path` uses `/`; `packageName` is its last segment. */
export interface PackageRevisionNameParts {
  repository: string;
  path: string;
  packageName: string;
  workspace: string;
}

/** `<repo>.<pkgpath with / → .>`: the name of a package (PorchPackage). */
export function packageName(repository: string, packagePath: string): string {
  return `${repository}.${packagePath.replaceAll('/', '.')}`;
}

/** `<repo>.<pkgpath with / → .>.<ws>`: the name of a package revision. */
export function packageRevisionName(repository: string, packagePath: string, workspace: string): string {
  return `${packageName(repository, packagePath)}.${workspace}`;
}

/** The placeholder (revision -1) of a package is named after the repository's branch. */
export function placeholderName(repository: string, packagePath: string, branch: string): string {
  return packageRevisionName(repository, packagePath, branch);
}

// A trailing `.v<digits and dots>` is one workspace (`v2.0.0`), not three segments.
const VERSION_WORKSPACE = /(?:^|\.)(v[0-9]+(?:\.[0-9]+)*)$/;

/**
 * Splits a package revision name (docs/porch-semantics.md §3.2): before the first `.` is the repository, after the last
 * `.` the workspace (a trailing `.v1.2.3` is taken whole), the rest the dotted package path. Lenient: a name without a
 * package part gives an empty path, a name without any `.` an empty workspace.
 */
export function parsePackageRevisionName(name: string): PackageRevisionNameParts {
  const dot = name.indexOf('.');
  if (dot < 0) return { repository: name, path: '', packageName: '', workspace: '' };
  const repository = name.slice(0, dot);
  const rest = name.slice(dot + 1);
  const version = VERSION_WORKSPACE.exec(rest);
  let workspace: string;
  let dotted: string;
  if (version) {
    workspace = version[1]!;
    dotted = rest.slice(0, version.index);
  } else {
    const last = rest.lastIndexOf('.');
    workspace = last < 0 ? rest : rest.slice(last + 1);
    dotted = last < 0 ? '' : rest.slice(0, last);
  }
  const path = dotted.replaceAll('.', '/');
  const packageName = path.slice(path.lastIndexOf('/') + 1);
  return { repository, path, packageName, workspace };
}

const UID_NAMESPACE = 'aac71d91-5c67-456f-8fd2-902ef6da820e';
const API_VERSION = `${PORCH_GROUP}/${VERSION}`;

/** RFC 4122 version 5 (SHA-1, name-based) UUID of `name` in the namespace UUID `namespace`. */
export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replaceAll('-', ''), 'hex');
  if (ns.length !== 16) throw new Error(`not a UUID: ${namespace}`);
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function porchUid(prefix: string, namespace: string, name: string): string {
  return uuidV5(UID_NAMESPACE, `${prefix}:${API_VERSION}/${namespace.toLowerCase()}/${name.toLowerCase()}`);
}

/**
 * The uid of a package revision (and of its PackageRevisionResources), as Porch computes it (docs/porch-semantics.md
 * §3.3).
 */
export function packageRevisionUid(namespace: string, name: string): string {
  return porchUid('packagerevision', namespace, name);
}

/** The uid of a package (PorchPackage), as Porch computes it (docs/porch-semantics.md §3.3). */
export function packageUid(namespace: string, name: string): string {
  return porchUid('dbPackage', namespace, name);
}
