/**
 * The one route table: API Gateway (CDK) and the local server both read it, so deployed and local routing cannot
 * drift. Paths use API Gateway's `{param}` syntax; each route names the Lambda function and the operation in it.
 */
import {
  AUTHENTICATION_GROUP,
  AUTHORIZATION_GROUP,
  CONFIG_GROUP,
  PORCH_GROUP,
  RBAC_GROUP,
  VERSION,
} from '../api-groups.js';

export type FunctionName =
  | 'discovery'
  | 'repositories'
  | 'packages'
  | 'package-revisions'
  | 'package-revision-resources'
  | 'approval'
  | 'rbac';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Route {
  /** 'ANY' only for the catch-all, whose path is `$default`. */
  method: Method | 'ANY';
  path: string;
  fn: FunctionName;
  operation: string;
  /** False only for /healthz, which load balancers and probes call without credentials. */
  auth: boolean;
  /**
   * True for resource paths, which the handler authorizes by RBAC before anything else runs; false for discovery,
   * OpenAPI, health and the self-reviews, which need only authentication (docs/access-control.md).
   */
  authorize: boolean;
}

const porch = `/apis/${PORCH_GROUP}/${VERSION}`;
const config = `/apis/${CONFIG_GROUP}/${VERSION}`;
const ns = 'namespaces/{namespace}';
const rbac = `/apis/${RBAC_GROUP}/v1`;

/** API Gateway's catch-all route key: a request no other route matches (unknown path, or a verb the path lacks). */
export const DEFAULT_ROUTE_KEY = '$default';

type Access = 'public' | 'authenticated' | 'authorized';

const r = (
  method: Method | 'ANY',
  path: string,
  fn: FunctionName,
  operation: string,
  access: Access = fn === 'discovery' ? 'authenticated' : 'authorized',
): Route => ({ method, path, fn, operation, auth: access !== 'public', authorize: access === 'authorized' });

/** List/create/get/update/patch/delete of RBAC kinds; the first two are namespaced, the others cluster-scoped. */
function rbacRoutes(roles: string, roleBindings: string, clusterRoles: string, clusterRoleBindings: string): Route[] {
  const crud = (collection: string, resource: string, withAllNamespaces: boolean) => [
    ...(withAllNamespaces ? [r('GET', `${rbac}/${resource}`, 'rbac', `list:${resource}`)] : []),
    r('GET', collection, 'rbac', `list:${resource}`),
    r('POST', collection, 'rbac', `create:${resource}`),
    r('GET', `${collection}/{name}`, 'rbac', `get:${resource}`),
    r('PUT', `${collection}/{name}`, 'rbac', `update:${resource}`),
    r('PATCH', `${collection}/{name}`, 'rbac', `patch:${resource}`),
    r('DELETE', `${collection}/{name}`, 'rbac', `delete:${resource}`),
  ];
  return [
    ...crud(`${rbac}/${ns}/${roles}`, roles, true),
    ...crud(`${rbac}/${ns}/${roleBindings}`, roleBindings, true),
    ...crud(`${rbac}/${clusterRoles}`, clusterRoles, false),
    ...crud(`${rbac}/${clusterRoleBindings}`, clusterRoleBindings, false),
  ];
}

export const routes: Route[] = [
  // Discovery, OpenAPI, health: served by one small function.
  r('GET', '/api', 'discovery', 'coreVersions'),
  r('GET', '/apis', 'discovery', 'groups'),
  r('GET', porch, 'discovery', 'resources'),
  r('GET', config, 'discovery', 'resources'),
  r('GET', '/version', 'discovery', 'version'),
  r('GET', '/openapi/v2', 'discovery', 'openapiV2'),
  r('GET', '/openapi/v3', 'discovery', 'openapiV3Index'),
  r('GET', `/openapi/v3${porch}`, 'discovery', 'openapiV3'),
  r('GET', `/openapi/v3${config}`, 'discovery', 'openapiV3'),
  r('GET', `/openapi/v3${rbac}`, 'discovery', 'openapiV3'),
  r('GET', rbac, 'discovery', 'resources'),
  r('GET', '/healthz', 'discovery', 'healthz', 'public'),

  // Repositories.
  r('GET', `${config}/repositories`, 'repositories', 'list'),
  r('GET', `${config}/${ns}/repositories`, 'repositories', 'list'),
  r('POST', `${config}/${ns}/repositories`, 'repositories', 'create'),
  r('GET', `${config}/${ns}/repositories/{name}`, 'repositories', 'get'),
  r('PUT', `${config}/${ns}/repositories/{name}`, 'repositories', 'update'),
  r('PATCH', `${config}/${ns}/repositories/{name}`, 'repositories', 'patch'),
  r('DELETE', `${config}/${ns}/repositories/{name}`, 'repositories', 'delete'),

  // Packages: read-only; writes answer 405 with Porch's texts.
  r('GET', `${porch}/packages`, 'packages', 'list'),
  r('GET', `${porch}/${ns}/packages`, 'packages', 'list'),
  r('POST', `${porch}/${ns}/packages`, 'packages', 'create'),
  r('GET', `${porch}/${ns}/packages/{name}`, 'packages', 'get'),
  r('PUT', `${porch}/${ns}/packages/{name}`, 'packages', 'update'),
  r('DELETE', `${porch}/${ns}/packages/{name}`, 'packages', 'delete'),

  // Package revisions. DELETE may touch git (DeletionProposed), so it runs in the approval function.
  r('GET', `${porch}/packagerevisions`, 'package-revisions', 'list'),
  r('GET', `${porch}/${ns}/packagerevisions`, 'package-revisions', 'list'),
  r('POST', `${porch}/${ns}/packagerevisions`, 'package-revisions', 'create'),
  r('GET', `${porch}/${ns}/packagerevisions/{name}`, 'package-revisions', 'get'),
  r('PUT', `${porch}/${ns}/packagerevisions/{name}`, 'package-revisions', 'update'),
  r('PATCH', `${porch}/${ns}/packagerevisions/{name}`, 'package-revisions', 'patch'),
  r('DELETE', `${porch}/${ns}/packagerevisions/{name}`, 'approval', 'delete'),
  // GET of the subresource is a plain read (kubectl patch --subresource=approval reads it first).
  r('GET', `${porch}/${ns}/packagerevisions/{name}/approval`, 'package-revisions', 'get'),
  r('PUT', `${porch}/${ns}/packagerevisions/{name}/approval`, 'approval', 'approve'),
  r('PATCH', `${porch}/${ns}/packagerevisions/{name}/approval`, 'approval', 'patch'),

  // Package revision resources.
  r('GET', `${porch}/packagerevisionresources`, 'package-revision-resources', 'list'),
  r('GET', `${porch}/${ns}/packagerevisionresources`, 'package-revision-resources', 'list'),
  r('GET', `${porch}/${ns}/packagerevisionresources/{name}`, 'package-revision-resources', 'get'),
  r('PUT', `${porch}/${ns}/packagerevisionresources/{name}`, 'package-revision-resources', 'update'),
  r('PATCH', `${porch}/${ns}/packagerevisionresources/{name}`, 'package-revision-resources', 'patch'),

  // RBAC objects (docs/access-control.md) and the self-reviews of `kubectl auth can-i` / `whoami`, which every
  // authenticated caller may ask about itself.
  ...rbacRoutes('roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'),
  r('POST', `/apis/${AUTHORIZATION_GROUP}/v1/selfsubjectaccessreviews`, 'rbac', 'accessReview', 'authenticated'),
  r('POST', `/apis/${AUTHORIZATION_GROUP}/v1/selfsubjectrulesreviews`, 'rbac', 'rulesReview', 'authenticated'),
  r('POST', `/apis/${AUTHENTICATION_GROUP}/v1/selfsubjectreviews`, 'rbac', 'whoAmI', 'authenticated'),

  // Everything else: a Kubernetes Status 404 (or 405 for a known path), not API Gateway's own body. Behind the
  // authorizer, so unauthenticated callers cannot probe which paths and verbs exist.
  r('ANY', DEFAULT_ROUTE_KEY, 'discovery', 'unmatched'),
];

/** API Gateway's route key of a route, e.g. `GET /healthz`, or `$default` for the catch-all. */
export const routeKey = (route: Pick<Route, 'method' | 'path'>) =>
  route.path === DEFAULT_ROUTE_KEY ? DEFAULT_ROUTE_KEY : `${route.method} ${route.path}`;

/** The catch-all route, which takes what `matchRoute` finds no route for. */
export const defaultRoute = routes.find((route) => route.path === DEFAULT_ROUTE_KEY)!;

const byKey = new Map(routes.map((route) => [routeKey(route), route]));

/** The route registered under an API Gateway route key, if any. */
export function findRoute(key: string): Route | undefined {
  return byKey.get(key);
}

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^$()|[\]\\]/g, '\\$&');

const compiled: CompiledRoute[] = routes
  .filter((route) => route !== defaultRoute)
  .map((route) => {
    const names: string[] = [];
    const source = route.path
      .split(/(\{[a-z]+\})/i)
      .map((part) => {
        const param = /^\{([a-z]+)\}$/i.exec(part);
        if (!param) return escapeRegExp(part);
        names.push(param[1]);
        return '([^/]+)';
      })
      .join('');
    return { route, pattern: new RegExp(`^${source}$`), names };
  });

// A malformed escape (`%ZZ`) stays as sent: no object has such a name, so the request ends in a 404, not a throw.
function decodeParam(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

/**
 * Matches a request as API Gateway would (literal segments, `{param}` = one segment). Returns the route, or
 * `{ allowed }` listing the methods the path does serve, so the caller can tell 404 from 405.
 */
export function matchRoute(method: string, path: string): RouteMatch | { route: undefined; allowed: Method[] } {
  const allowed: Method[] = [];
  for (const { route, pattern, names } of compiled) {
    const m = pattern.exec(path);
    if (!m) continue;
    if (route.method !== method) {
      allowed.push(route.method as Method);
      continue;
    }
    const params: Record<string, string> = {};
    for (const [i, name] of names.entries()) params[name] = decodeParam(m[i + 1]!);
    return { route, params };
  }
  return { route: undefined, allowed };
}
