/**
 * What every authenticated caller may do without any binding, as Kubernetes' `system:basic-user` and
 * `system:discovery` roles grant: ask about itself (the self-reviews) and read discovery, OpenAPI, version and
 * health. The service serves these without an RBAC check; the rules say so to `kubectl auth can-i`.
 */
import type { PolicyRule } from './types.js';

export const BASIC_USER_RULES: PolicyRule[] = [
  {
    verbs: ['create'],
    apiGroups: ['authorization.k8s.io'],
    resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
  },
  { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
];

export const DISCOVERY_URLS = [
  '/api',
  '/api/*',
  '/apis',
  '/apis/*',
  '/healthz',
  '/openapi',
  '/openapi/*',
  '/version',
  '/version/',
];

/** True when a non-resource `path` is one of the discovery documents (a trailing `*` matches any rest). */
export const isDiscoveryPath = (path: string) =>
  DISCOVERY_URLS.some((url) => (url.endsWith('*') ? path.startsWith(url.slice(0, -1)) : path === url));
