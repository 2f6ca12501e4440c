/**
 * OpenAPI (v3 flavour) schemas of the served kinds, written from Porch's Go types. kubectl validates manifests
 * against them before sending (unknown fields, wrong types), so every field a client may send must be listed;
 * free-form parts (task bodies, locks, conditions) preserve unknown fields instead.
 */
type Schema = Record<string, unknown>;

const str: Schema = { type: 'string' };
const bool: Schema = { type: 'boolean' };
const int: Schema = { type: 'integer', format: 'int64' };
const time: Schema = { type: 'string', format: 'date-time' };
const strMap: Schema = { type: 'object', additionalProperties: str };
const strList: Schema = { type: 'array', items: str };
const free: Schema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
const obj = (properties: Record<string, Schema>, required?: string[]): Schema => ({
  type: 'object',
  properties,
  ...(required ? { required } : {}),
});
const ref = (name: string, prefix: string): Schema => ({ $ref: `${prefix}${name}` });

export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
export const LIST_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';

const objectMeta = obj({
  annotations: strMap,
  creationTimestamp: time,
  deletionGracePeriodSeconds: int,
  deletionTimestamp: time,
  finalizers: strList,
  generateName: str,
  generation: int,
  labels: strMap,
  managedFields: { type: 'array', items: free },
  name: str,
  namespace: str,
  ownerReferences: {
    type: 'array',
    items: obj({ apiVersion: str, blockOwnerDeletion: bool, controller: bool, kind: str, name: str, uid: str }, [
      'apiVersion',
      'kind',
      'name',
      'uid',
    ]),
  },
  resourceVersion: str,
  selfLink: str,
  uid: str,
});

const listMeta = obj({ continue: str, remainingItemCount: int, resourceVersion: str, selfLink: str });

const secretRef = obj({ name: str }, ['name']);
const condition = obj({
  lastTransitionTime: time,
  message: str,
  observedGeneration: int,
  reason: str,
  status: str,
  type: str,
});

const repositorySpec = obj({
  description: str,
  deployment: bool,
  type: { type: 'string', enum: ['git', 'oci'] },
  content: str,
  sync: obj({ runOnceAt: time, schedule: str }),
  git: obj({ repo: str, branch: str, createBranch: bool, directory: str, secretRef, author: str, email: str }, [
    'repo',
  ]),
  oci: obj({ registry: str, secretRef }, ['registry']),
});

const repositoryStatus = obj({
  conditions: { type: 'array', items: condition },
  lastFullSyncTime: time,
  nextFullSyncTime: time,
  observedGeneration: int,
  observedRunOnceAt: time,
  packageCount: { type: 'integer' },
  gitCommitHash: str,
  sync: free,
});

const packageRevisionSpec = obj({
  packageName: str,
  repository: str,
  workspaceName: str,
  revision: { type: 'integer' },
  parent: obj({ name: str }),
  lifecycle: str,
  tasks: { type: 'array', items: free },
  readinessGates: { type: 'array', items: obj({ conditionType: str }) },
  packageMetadata: obj({ labels: strMap, annotations: strMap }),
});

const packageRevisionStatus = obj({
  upstreamLock: free,
  selfLock: free,
  publishedBy: str,
  publishTimestamp: time,
  deployment: bool,
  conditions: { type: 'array', items: free },
});

const resourcesSpec = obj({
  packageName: str,
  workspaceName: str,
  revision: { type: 'integer' },
  repository: str,
  resources: strMap,
});

/** A kind's definition: the object schema plus the extension kubectl uses to find it by group/version/kind. */
function kind(group: string, name: string, prefix: string, spec: Schema, status: Schema): Schema {
  return {
    ...obj({ apiVersion: str, kind: str, metadata: ref(META, prefix), spec, status }),
    'x-kubernetes-group-version-kind': [{ group, kind: name, version: 'v1alpha1' }],
  };
}

function list(group: string, name: string, prefix: string, item: string): Schema {
  return {
    ...obj(
      {
        apiVersion: str,
        kind: str,
        metadata: ref(LIST_META, prefix),
        items: { type: 'array', items: ref(item, prefix) },
      },
      ['items'],
    ),
    'x-kubernetes-group-version-kind': [{ group, kind: `${name}List`, version: 'v1alpha1' }],
  };
}

export interface KindSchema {
  group: string;
  kind: string;
  /** Definition name, e.g. `dev.kpt.porch.v1alpha1.PackageRevision`. */
  id: string;
}

const PORCH = 'dev.kpt.porch.v1alpha1';
const CONFIG = 'dev.kpt.porch.config.v1alpha1';

export const kindSchemas: KindSchema[] = [
  { group: 'config.porch.kpt.dev', kind: 'Repository', id: `${CONFIG}.Repository` },
  { group: 'porch.kpt.dev', kind: 'PackageRevision', id: `${PORCH}.PackageRevision` },
  { group: 'porch.kpt.dev', kind: 'PackageRevisionResources', id: `${PORCH}.PackageRevisionResources` },
  { group: 'porch.kpt.dev', kind: 'PorchPackage', id: `${PORCH}.PorchPackage` },
];

/** Every definition of one group (its kinds and lists, plus the shared metadata types), refs under `prefix`. */
export function definitionsOf(group: string, prefix: string): Record<string, Schema> {
  const defs: Record<string, Schema> = { [META]: objectMeta, [LIST_META]: listMeta };
  const bodies: Record<string, [Schema, Schema]> = {
    Repository: [repositorySpec, repositoryStatus],
    PackageRevision: [packageRevisionSpec, packageRevisionStatus],
    PackageRevisionResources: [resourcesSpec, obj({ renderStatus: free })],
    PorchPackage: [obj({ packageName: str, repository: str }), obj({ latestRevision: { type: 'integer' } })],
  };
  for (const k of kindSchemas.filter((s) => s.group === group)) {
    const [spec, status] = bodies[k.kind];
    defs[k.id] = kind(group, k.kind, prefix, spec, status);
    defs[`${k.id}List`] = list(group, k.kind, prefix, k.id);
  }
  return defs;
}
