import { groupVersion, servedGroups, servedResources, versionOf } from './served-resources.js';

/** `GET /api`: this server serves no core (`v1`) resources, so it lists no versions. */
export function coreVersions() {
  return { kind: 'APIVersions', versions: [], serverAddressByClientCIDRs: [] };
}

/** `GET /apis`: the two Porch groups and Kubernetes' RBAC group, each with its one version. */
export function apiGroupList() {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: servedGroups.map((name) => {
      const version = { groupVersion: groupVersion(name), version: versionOf(name) };
      return { name, versions: [version], preferredVersion: version };
    }),
  };
}

/** `GET /apis/<group>/<version>`: the resources of the group, with their verbs and short names. */
export function apiResourceList(group: string) {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersion(group),
    resources: servedResources
      .filter((r) => r.group === group)
      .map((r) => ({
        name: r.name,
        singularName: r.singularName,
        namespaced: r.namespaced ?? true,
        kind: r.kind,
        verbs: r.verbs,
        ...(r.shortNames ? { shortNames: r.shortNames } : {}),
      })),
  };
}

/** `GET /version`: kubectl only reads it for `kubectl version`; the Kubernetes version is the API level we mimic. */
export function serverVersion() {
  return {
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.0+porch-serverless',
    gitCommit: 'porch-serverless',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `${process.platform}/${process.arch}`,
  };
}
