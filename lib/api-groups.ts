/** The API groups and version served: the route table's paths and the discovery documents both name them. */
export const PORCH_GROUP = 'porch.kpt.dev';
export const CONFIG_GROUP = 'config.porch.kpt.dev';
export const VERSION = 'v1alpha1';
export const RBAC_GROUP = 'rbac.authorization.k8s.io';
export const AUTHORIZATION_GROUP = 'authorization.k8s.io';
export const AUTHENTICATION_GROUP = 'authentication.k8s.io';
