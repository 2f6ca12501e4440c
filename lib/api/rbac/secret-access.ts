/**
 * Naming a credential is using it (docs/access-control.md "Credentials"): a Repository's `secretRef` (git or oci)
 * and a clone task's `upstreamRef.git.secretRef` make the service send that credential to the URL beside it. So
 * whoever names one must be allowed to `get` that secret in that namespace, as Kubernetes would require to read
 * it; having a namespace's repositories does not by itself grant its credentials.
 */
import type { Access } from './access.js';

type Json = Record<string, unknown>;
const asObject = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const nameOf = (ref: unknown) => {
  const name = asObject(ref).name;
  return typeof name === 'string' && name !== '' ? name : undefined;
};

/** Throws the 403 of `get secrets/<name>` in `namespace` unless the caller may read it. */
export async function requireSecretAccess(access: Access, namespace: string, name: string) {
  await access.require({ verb: 'get', apiGroup: '', resource: 'secrets', subresource: '', namespace, name });
}

/** The secrets a Repository body names. */
export function repositorySecrets(body: unknown): string[] {
  const spec = asObject(asObject(body).spec);
  return [nameOf(asObject(spec.git).secretRef), nameOf(asObject(spec.oci).secretRef)].filter((n) => n !== undefined);
}

/**
 * The secrets the clone tasks of a PackageRevision body name, at the key the clone reads (Porch's JSON name
 * `upstreamRef`, as lib/api/package-revisions/create.ts uses it). The other tasks name only package revisions.
 */
export function cloneTaskSecrets(body: unknown): string[] {
  const tasks = asObject(asObject(body).spec).tasks;
  if (!Array.isArray(tasks)) return [];
  return tasks
    .map((task) => nameOf(asObject(asObject(asObject(asObject(task).clone).upstreamRef).git).secretRef))
    .filter((n) => n !== undefined);
}

/** Requires `get` on every secret in `names`. */
export async function requireSecretsAccess(access: Access, namespace: string, names: string[]) {
  for (const name of new Set(names)) await requireSecretAccess(access, namespace, name);
}
