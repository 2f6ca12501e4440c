import { describe, expect, it } from 'vitest';
import { findRoute, matchRoute, routeKey, routes } from '../../lib/http/routes.js';

describe('route table', () => {
  it('has one route per key', () => {
    const keys = routes.map(routeKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('serves every path and verb of docs/api.md', () => {
    const p = '/apis/porch.kpt.dev/v1alpha1';
    const c = '/apis/config.porch.kpt.dev/v1alpha1';
    const expected = [
      `GET ${c}/namespaces/{namespace}/repositories`,
      `POST ${c}/namespaces/{namespace}/repositories`,
      `GET ${c}/namespaces/{namespace}/repositories/{name}`,
      `PUT ${c}/namespaces/{namespace}/repositories/{name}`,
      `DELETE ${c}/namespaces/{namespace}/repositories/{name}`,
      `GET ${c}/repositories`,
      `GET ${p}/namespaces/{namespace}/packagerevisions`,
      `POST ${p}/namespaces/{namespace}/packagerevisions`,
      `GET ${p}/namespaces/{namespace}/packagerevisions/{name}`,
      `PUT ${p}/namespaces/{namespace}/packagerevisions/{name}`,
      `DELETE ${p}/namespaces/{namespace}/packagerevisions/{name}`,
      `PUT ${p}/namespaces/{namespace}/packagerevisions/{name}/approval`,
      `GET ${p}/namespaces/{namespace}/packagerevisionresources`,
      `GET ${p}/namespaces/{namespace}/packagerevisionresources/{name}`,
      `PUT ${p}/namespaces/{namespace}/packagerevisionresources/{name}`,
      `GET ${p}/namespaces/{namespace}/packages`,
      `GET ${p}/namespaces/{namespace}/packages/{name}`,
      `POST ${p}/namespaces/{namespace}/packages`,
      `PUT ${p}/namespaces/{namespace}/packages/{name}`,
      `DELETE ${p}/namespaces/{namespace}/packages/{name}`,
      `GET ${p}/packagerevisions`,
      `GET ${p}/packagerevisionresources`,
      `GET ${p}/packages`,
      'GET /api',
      'GET /apis',
      `GET ${p}`,
      `GET ${c}`,
      'GET /version',
      'GET /openapi/v2',
      'GET /openapi/v3',
      `GET /openapi/v3${p}`,
      `GET /openapi/v3${c}`,
      'GET /healthz',
    ];
    for (const key of expected) expect(findRoute(key), key).toBeDefined();
  });

  it('sends package revision DELETE and approval to the approval function', () => {
    expect(
      routes
        .filter((r) => r.fn === 'approval')
        .map((r) => `${r.method} ${r.operation}`)
        .sort(),
    ).toEqual(['DELETE delete', 'PATCH patch', 'PUT approve']);
    expect(
      findRoute('GET /apis/porch.kpt.dev/v1alpha1/namespaces/{namespace}/packagerevisions/{name}/approval')?.operation,
    ).toBe('get');
  });

  it('requires auth everywhere but /healthz', () => {
    expect(routes.filter((r) => !r.auth).map((r) => r.path)).toEqual(['/healthz']);
  });

  it("sends what no route matches to discovery through API Gateway's $default route, behind the authorizer", () => {
    expect(findRoute('$default')).toEqual({
      method: 'ANY',
      path: '$default',
      fn: 'discovery',
      operation: 'unmatched',
      auth: true,
      authorize: false,
    });
    expect(routeKey(findRoute('$default')!)).toBe('$default');
  });

  it('keeps a malformed percent-escape as it came instead of throwing (the local server answered 500)', () => {
    const m = matchRoute('GET', '/apis/porch.kpt.dev/v1alpha1/namespaces/ns1/packagerevisions/%ZZ');
    expect(m.route && m.params).toEqual({ namespace: 'ns1', name: '%ZZ' });
  });

  it('matches paths like API Gateway, decoding parameters, and tells 404 from 405', () => {
    const m = matchRoute('GET', '/apis/porch.kpt.dev/v1alpha1/namespaces/ns%2D1/packagerevisions/a.b.c');
    expect(m.route?.operation).toBe('get');
    expect(m.route && m.params).toEqual({ namespace: 'ns-1', name: 'a.b.c' });
    const approval = matchRoute('PUT', '/apis/porch.kpt.dev/v1alpha1/namespaces/n/packagerevisions/x/approval');
    expect(approval.route?.fn).toBe('approval');
    const wrongVerb = matchRoute('POST', '/healthz');
    expect(wrongVerb.route).toBeUndefined();
    expect(!wrongVerb.route && wrongVerb.allowed).toEqual(['GET']);
    const none = matchRoute('GET', '/apis/porch.kpt.dev/v1alpha1/namespaces/n/packagerevisions/x/y/z');
    expect(!none.route && none.allowed).toEqual([]);
  });
});
