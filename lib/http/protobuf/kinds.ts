/**
 * Field tables of the Kubernetes messages kubectl sends as protobuf to this service, from kubernetes/api's
 * `generated.proto` (field numbers are the wire contract): the self-reviews and the four RBAC kinds, with the parts
 * of ObjectMeta that matter here (other fields are skipped).
 */
import type { MessageSchema } from './wire.js';

const s = (name: string) => ({ name, type: 'string' as const });
const list = (name: string) => ({ name, type: 'string' as const, repeated: true });

const objectMeta: MessageSchema = {
  1: s('name'),
  2: s('generateName'),
  3: s('namespace'),
  6: s('resourceVersion'),
  11: { name: 'labels', type: 'string', map: true },
  12: { name: 'annotations', type: 'string', map: true },
};

const policyRule: MessageSchema = {
  1: list('verbs'),
  2: list('apiGroups'),
  3: list('resources'),
  4: list('resourceNames'),
  5: list('nonResourceURLs'),
};

const subject: MessageSchema = { 1: s('kind'), 2: s('apiGroup'), 3: s('name'), 4: s('namespace') };
const roleRef: MessageSchema = { 1: s('apiGroup'), 2: s('kind'), 3: s('name') };

const resourceAttributes: MessageSchema = {
  1: s('namespace'),
  2: s('verb'),
  3: s('group'),
  4: s('version'),
  5: s('resource'),
  6: s('subresource'),
  7: s('name'),
};
const nonResourceAttributes: MessageSchema = { 1: s('path'), 2: s('verb') };

const meta = { name: 'metadata', type: objectMeta };
const rules = { name: 'rules', type: policyRule, repeated: true };
const subjects = { name: 'subjects', type: subject, repeated: true };

/** Message of each `apiVersion/kind` accepted as protobuf. */
export const PROTOBUF_KINDS: Record<string, MessageSchema> = {
  'authorization.k8s.io/v1/SelfSubjectAccessReview': {
    1: meta,
    2: {
      name: 'spec',
      type: {
        1: { name: 'resourceAttributes', type: resourceAttributes },
        2: { name: 'nonResourceAttributes', type: nonResourceAttributes },
      },
    },
  },
  'authorization.k8s.io/v1/SelfSubjectRulesReview': { 1: meta, 2: { name: 'spec', type: { 1: s('namespace') } } },
  'authentication.k8s.io/v1/SelfSubjectReview': { 1: meta },
  'rbac.authorization.k8s.io/v1/Role': { 1: meta, 2: rules },
  'rbac.authorization.k8s.io/v1/ClusterRole': { 1: meta, 2: rules },
  'rbac.authorization.k8s.io/v1/RoleBinding': { 1: meta, 2: subjects, 3: { name: 'roleRef', type: roleRef } },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': { 1: meta, 2: subjects, 3: { name: 'roleRef', type: roleRef } },
};
