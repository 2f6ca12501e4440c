import type { Identity, StoredBinding, Subject } from './types.js';

const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';

/**
 * Does `subject` of a binding in `bindingNamespace` name this identity? Users and groups by exact name; a
 * ServiceAccount as the user `system:serviceaccount:<namespace>:<name>` (its namespace defaults to the binding's).
 */
export function subjectMatches(subject: Subject, identity: Identity, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === identity.user;
    case 'Group':
      return identity.groups.includes(subject.name);
    case 'ServiceAccount': {
      const namespace = subject.namespace || bindingNamespace;
      return namespace !== '' && identity.user === `${SERVICE_ACCOUNT_PREFIX}${namespace}:${subject.name}`;
    }
    default:
      return false;
  }
}

/** True when any subject of the binding names the identity. */
export const bindingApplies = (binding: StoredBinding, identity: Identity) =>
  binding.subjects.some((s) => subjectMatches(s, identity, binding.namespace));
