import type { RequestAttributes } from './types.js';

const VERBS: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

/**
 * The attributes Kubernetes' request info derives from a resource path, read from a route template of the route
 * table (`/apis/<group>/<version>[/namespaces/{namespace}]/<resource>[/{name}[/<subresource>]]`) and its
 * parameters. GET is `get` on an object, else `list`, or `watch` when `watch=true`. Undefined for paths that are
 * not resource paths (discovery, `/healthz`).
 */
export function requestAttributes(
  method: string,
  template: string,
  params: Record<string, string>,
  query: Record<string, string>,
): RequestAttributes | undefined {
  const segments = template.split('/').slice(1);
  if (segments[0] !== 'apis' || segments.length < 4) return undefined;
  const apiGroup = segments[1]!;
  let rest = segments.slice(3);
  let namespace = '';
  if (rest[0] === 'namespaces' && rest[1] === '{namespace}') {
    namespace = params.namespace ?? '';
    rest = rest.slice(2);
  }
  const [resource, nameParam, subresource = ''] = rest;
  if (!resource) return undefined;
  const name = nameParam === '{name}' ? (params.name ?? '') : '';
  const verb =
    method === 'GET' ? (name ? 'get' : /^(true|1)$/i.test(query.watch ?? '') ? 'watch' : 'list') : VERBS[method];
  if (!verb) return undefined;
  return { verb, apiGroup, resource, subresource, namespace, name };
}
