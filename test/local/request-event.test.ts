import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { matchRoute, type RouteMatch } from '../../lib/http/routes.js';
import { requestToEvent } from '../../lib/local/request-event.js';
import { createSelfSignedCertificate } from '../../lib/local/self-signed.js';

const path = '/apis/porch.kpt.dev/v1alpha1/namespaces/ns/packagerevisionresources/a.b.ws';
const match = matchRoute('PUT', path) as RouteMatch;

describe('requestToEvent', () => {
  it('builds the v2 event API Gateway would send', () => {
    const event = requestToEvent(
      {
        method: 'PUT',
        url: `${path}?a=1&a=2&b=x%20y`,
        headers: { 'Content-Type': 'application/yaml', 'x-multi': ['1', '2'] },
        body: Buffer.from('k: v\n'),
        sourceIp: '127.0.0.1',
      },
      match,
      { user: 'erin', groups: ['team-a', 'system:authenticated'] },
    );
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'PUT /apis/porch.kpt.dev/v1alpha1/namespaces/{namespace}/packagerevisionresources/{name}',
      rawPath: path,
      rawQueryString: 'a=1&a=2&b=x%20y',
      queryStringParameters: { a: '1,2', b: 'x y' },
      pathParameters: { namespace: 'ns', name: 'a.b.ws' },
      headers: { 'content-type': 'application/yaml', 'x-multi': '1,2' },
      body: 'k: v\n',
      isBase64Encoded: false,
      requestContext: {
        http: { method: 'PUT', path, sourceIp: '127.0.0.1' },
        authorizer: { lambda: { user: 'erin', groups: ['team-a', 'system:authenticated'] } },
      },
    });
  });

  it('base64-encodes bodies that are not text', () => {
    const bytes = Buffer.from([0, 1, 2, 255]);
    const event = requestToEvent(
      { method: 'PUT', url: path, headers: { 'content-type': 'application/octet-stream' }, body: bytes, sourceIp: '' },
      match,
      { user: 'x', groups: [] },
    );
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body!, 'base64')).toEqual(bytes);
    const empty = requestToEvent(
      { method: 'PUT', url: path, headers: {}, body: Buffer.alloc(0), sourceIp: '' },
      match,
      { user: 'x', groups: [] },
    );
    expect(empty.body).toBeUndefined();
  });
});

describe('createSelfSignedCertificate', () => {
  it('makes a certificate for 127.0.0.1 and localhost that verifies with its own key', () => {
    const { cert } = createSelfSignedCertificate();
    const x = new X509Certificate(cert);
    expect(x.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x.checkHost('localhost')).toBe('localhost');
    expect(x.verify(x.publicKey)).toBe(true);
    expect(new Date(x.validTo).getTime()).toBeGreaterThan(Date.now() + 365 * 86_400_000);
  });
});
