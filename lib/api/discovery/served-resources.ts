import { CONFIG_GROUP, PORCH_GROUP, VERSION } from '../../http/routes.js';

/** One resource as discovery and OpenAPI describe it; the single list both documents are built from. */
export interface ServedResource {
  group: string;
  /** Plural resource name, or `<resource>/<subresource>`. */
  name: string;
  singularName: string;
  kind: string;
  listKind?: string;
  shortNames?: string[];
  /** Only the verbs this service serves (docs/api.md "Paths"); kubectl decides from these what it may try. */
  verbs: string[];
}

export const servedResources: ServedResource[] = [
  {
    group: CONFIG_GROUP,
    name: 'repositories',
    singularName: 'repository',
    kind: 'Repository',
    listKind: 'RepositoryList',
    shortNames: ['repo'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update'],
  },
  {
    group: PORCH_GROUP,
    name: 'packagerevisions',
    singularName: 'packagerevision',
    kind: 'PackageRevision',
    listKind: 'PackageRevisionList',
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update'],
  },
  {
    group: PORCH_GROUP,
    name: 'packagerevisions/approval',
    singularName: '',
    kind: 'PackageRevision',
    verbs: ['get', 'patch', 'update'],
  },
  {
    group: PORCH_GROUP,
    name: 'packagerevisionresources',
    singularName: 'packagerevisionresources',
    kind: 'PackageRevisionResources',
    listKind: 'PackageRevisionResourcesList',
    verbs: ['get', 'list', 'patch', 'update'],
  },
  {
    group: PORCH_GROUP,
    name: 'packages',
    singularName: 'package',
    kind: 'PorchPackage',
    listKind: 'PorchPackageList',
    verbs: ['get', 'list'],
  },
];

export const servedGroups = [PORCH_GROUP, CONFIG_GROUP];
export const groupVersion = (group: string) => `${group}/${VERSION}`;
