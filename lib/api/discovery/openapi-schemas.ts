/**
 * OpenAPI (v3 flavour) schemas of the served kinds, written from Porch's Go types. kubectl validates manifests
 * against them before sending (unknown fields, wrong types), so every field a client may send must be listed;
 * free-form parts (task bodies, locks, conditions) preserve unknown fields instead.
 */
import { listMeta, objectMeta } from './openapi-meta.js';
import {
  packageRevisionSpec,
  packageRevisionStatus,
  packageSpec,
  packageStatus,
  resourcesSpec,
  resourcesStatus,
} from './openapi-package-revision.js';
import { repositorySpec, repositoryStatus } from './openapi-repository.js';
import { list as listOf, obj, str, type Schema } from './openapi-types.js';
import { RBAC_DEFINITION_PREFIX, RBAC_KINDS, rbacDefinitions } from './rbac-schemas.js';
import { CONFIG_GROUP, PORCH_GROUP, RBAC_GROUP, VERSION } from '../../api-groups.js';

const ref = (name: string, prefix: string): Schema => ({ $ref: `${prefix}${name}` });

export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
export const LIST_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';

const apiVersion = str('Group and version of the object, e.g. porch.kpt.dev/v1alpha1.');
const kindField = str('Kind of the object.');

/** What `kubectl explain <kind>` prints at the top. */
const KIND_DESCRIPTIONS: Record<string, string> = {
  Repository: 'A git repository registered with the service; its packages are synced into the package cache.',
  PackageRevision:
    'One revision of a kpt package: a Draft being edited, a Proposal waiting for approval, or a Published version in git.',
  PackageRevisionResources: 'The files of a package revision; edit a Draft by replacing them.',
  PorchPackage: 'A package: all revisions at one path of one repository (read-only).',
};

/** A kind's definition: the object schema plus the extension kubectl uses to find it by group/version/kind. */
function kind(group: string, name: string, prefix: string, spec: Schema, status: Schema): Schema {
  return {
    ...obj(KIND_DESCRIPTIONS[name]!, { apiVersion, kind: kindField, metadata: ref(META, prefix), spec, status }),
    'x-kubernetes-group-version-kind': [{ group, kind: name, version: VERSION }],
  };
}

function list(group: string, name: string, prefix: string, item: string): Schema {
  return {
    ...obj(
      `A list of ${name} objects.`,
      {
        apiVersion,
        kind: kindField,
        metadata: ref(LIST_META, prefix),
        items: listOf(`The ${name} objects of this page.`, ref(item, prefix)),
      },
      ['items'],
    ),
    'x-kubernetes-group-version-kind': [{ group, kind: `${name}List`, version: VERSION }],
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
  { group: CONFIG_GROUP, kind: 'Repository', id: `${CONFIG}.Repository` },
  { group: PORCH_GROUP, kind: 'PackageRevision', id: `${PORCH}.PackageRevision` },
  { group: PORCH_GROUP, kind: 'PackageRevisionResources', id: `${PORCH}.PackageRevisionResources` },
  { group: PORCH_GROUP, kind: 'PorchPackage', id: `${PORCH}.PorchPackage` },
  ...RBAC_KINDS.map((kind) => ({ group: RBAC_GROUP, kind, id: `${RBAC_DEFINITION_PREFIX}.${kind}` })),
];

/** Every definition of one group (its kinds and lists, plus the shared metadata types), refs under `prefix`. */
export function definitionsOf(group: string, prefix: string): Record<string, Schema> {
  const defs: Record<string, Schema> = { [META]: objectMeta, [LIST_META]: listMeta };
  if (group === RBAC_GROUP) return { ...defs, ...rbacDefinitions(prefix, META, LIST_META) };
  const bodies: Record<string, [Schema, Schema]> = {
    Repository: [repositorySpec, repositoryStatus],
    PackageRevision: [packageRevisionSpec, packageRevisionStatus],
    PackageRevisionResources: [resourcesSpec, resourcesStatus],
    PorchPackage: [packageSpec, packageStatus],
  };
  for (const k of kindSchemas.filter((s) => s.group === group)) {
    const [spec, status] = bodies[k.kind];
    defs[k.id] = kind(group, k.kind, prefix, spec, status);
    defs[`${k.id}List`] = list(group, k.kind, prefix, k.id);
  }
  return defs;
}
