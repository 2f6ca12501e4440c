/**
 * Resource scope as the kpt function SDK decides it: built-in Kubernetes kinds by a fixed list, anything else is
 * namespaced exactly when it names a namespace. Identifiers use `default` for a namespaced resource without one and
 * `~C` for a cluster-scoped one, as kpt's upstream-identifier annotation does.
 */
import { annotationsOf, groupOf, kindOf, nameOf, namespaceOf } from './kube-object.js';
import type { KrmItem } from '../types.js';

export const UPSTREAM_IDENTIFIER = 'internal.kpt.dev/upstream-identifier';
export const DEFAULT_NAMESPACE = 'default';
export const UNKNOWN_NAMESPACE = '~C';

const CLUSTER = new Set([
  '/Namespace',
  '/Node',
  '/PersistentVolume',
  '/ComponentStatus',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'apiregistration.k8s.io/APIService',
  'storage.k8s.io/StorageClass',
  'storage.k8s.io/CSIDriver',
  'storage.k8s.io/CSINode',
  'storage.k8s.io/VolumeAttachment',
  'scheduling.k8s.io/PriorityClass',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'node.k8s.io/RuntimeClass',
  'policy/PodSecurityPolicy',
  'certificates.k8s.io/CertificateSigningRequest',
  'networking.k8s.io/IngressClass',
  'flowcontrol.apiserver.k8s.io/FlowSchema',
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
]);

const NAMESPACED = new Set([
  '/Pod',
  '/Service',
  '/ConfigMap',
  '/Secret',
  '/ServiceAccount',
  '/Endpoints',
  '/Event',
  '/LimitRange',
  '/ResourceQuota',
  '/ReplicationController',
  '/PodTemplate',
  '/PersistentVolumeClaim',
  'apps/Deployment',
  'apps/StatefulSet',
  'apps/DaemonSet',
  'apps/ReplicaSet',
  'apps/ControllerRevision',
  'batch/Job',
  'batch/CronJob',
  'rbac.authorization.k8s.io/Role',
  'rbac.authorization.k8s.io/RoleBinding',
  'networking.k8s.io/Ingress',
  'networking.k8s.io/NetworkPolicy',
  'autoscaling/HorizontalPodAutoscaler',
  'policy/PodDisruptionBudget',
  'discovery.k8s.io/EndpointSlice',
  'coordination.k8s.io/Lease',
  'storage.k8s.io/CSIStorageCapacity',
  'events.k8s.io/Event',
]);

export function isNamespaceScoped(item: KrmItem): boolean {
  const key = `${groupOf(item)}/${kindOf(item)}`;
  if (CLUSTER.has(key)) return false;
  if (NAMESPACED.has(key)) return true;
  return namespaceOf(item) !== '';
}

export interface ResourceId {
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

/** The resource's identifier now. */
export function resourceId(item: KrmItem): ResourceId {
  const ns = namespaceOf(item) || (isNamespaceScoped(item) ? DEFAULT_NAMESPACE : UNKNOWN_NAMESPACE);
  return { group: groupOf(item), kind: kindOf(item), namespace: ns, name: nameOf(item) };
}

/** The identifier the resource had upstream (`group|kind|namespace|name`), when it carries one. */
export function upstreamId(item: KrmItem): ResourceId | undefined {
  const value = annotationsOf(item)[UPSTREAM_IDENTIFIER];
  const parts = value?.split('|');
  if (!parts || parts.length !== 4) return undefined;
  const [group, kind, namespace, name] = parts as [string, string, string, string];
  return { group, kind, namespace, name };
}

/** The upstream identifier when present, else the current one (the SDK's GetOriginId). */
export const originId = (item: KrmItem): ResourceId => upstreamId(item) ?? resourceId(item);

/** The annotation value of an identifier. */
export const formatId = (id: ResourceId) => `${id.group}|${id.kind}|${id.namespace}|${id.name}`;
