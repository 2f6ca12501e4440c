import { describe, expect, it } from 'vitest';
import { decodeKubeProtobuf, isKubeProtobuf } from '../../lib/http/protobuf/decode-body.js';

/** The wire format, written out by hand so the test does not share the decoder's code. */
const varint = (n: number) => {
  const out: number[] = [];
  do {
    out.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>>= 7;
  } while (n > 0);
  return Buffer.from(out);
};
const field = (no: number, payload: Buffer | string) => {
  const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
  return Buffer.concat([varint((no << 3) | 2), varint(bytes.length), bytes]);
};
const envelope = (apiVersion: string, kind: string, raw: Buffer) =>
  Buffer.concat([
    Buffer.from('k8s\0', 'latin1'),
    field(1, Buffer.concat([field(1, apiVersion), field(2, kind)])),
    field(2, raw),
  ]);

describe('Kubernetes protobuf request bodies', () => {
  it('decodes a SelfSubjectAccessReview as kubectl auth can-i sends it', () => {
    const attrs = Buffer.concat([
      field(1, 'team-a'),
      field(2, 'create'),
      field(3, 'porch.kpt.dev'),
      field(5, 'packagerevisions'),
    ]);
    const body = envelope(
      'authorization.k8s.io/v1',
      'SelfSubjectAccessReview',
      Buffer.concat([field(1, Buffer.alloc(0)), field(2, field(1, attrs))]),
    );
    expect(decodeKubeProtobuf(body)).toEqual({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      metadata: {},
      spec: {
        resourceAttributes: {
          namespace: 'team-a',
          verb: 'create',
          group: 'porch.kpt.dev',
          resource: 'packagerevisions',
        },
      },
    });
  });

  it('decodes a RoleBinding with labels, subjects and roleRef', () => {
    const meta = Buffer.concat([field(1, 'editors'), field(11, Buffer.concat([field(1, 'team'), field(2, 'a')]))]);
    const subject = Buffer.concat([field(1, 'Group'), field(2, 'rbac.authorization.k8s.io'), field(3, 'devs')]);
    const ref = Buffer.concat([field(1, 'rbac.authorization.k8s.io'), field(2, 'ClusterRole'), field(3, 'edit')]);
    const body = envelope(
      'rbac.authorization.k8s.io/v1',
      'RoleBinding',
      Buffer.concat([field(1, meta), field(2, subject), field(3, ref)]),
    );
    expect(decodeKubeProtobuf(body)).toMatchObject({
      metadata: { name: 'editors', labels: { team: 'a' } },
      subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'devs' }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
    });
  });

  it('answers other kinds 415 and malformed bytes 400', () => {
    expect(isKubeProtobuf('application/vnd.kubernetes.protobuf')).toBe(true);
    expect(() => decodeKubeProtobuf(envelope('v1', 'Pod', Buffer.alloc(0)))).toThrow(
      expect.objectContaining({ code: 415 }),
    );
    const truncated = envelope('rbac.authorization.k8s.io/v1', 'Role', field(1, 'x')).subarray(0, -1);
    expect(() => decodeKubeProtobuf(truncated)).toThrow(expect.objectContaining({ code: 400 }));
    expect(() => decodeKubeProtobuf(Buffer.from('{"kind":"Role"}'))).toThrow(expect.objectContaining({ code: 400 }));
  });
});
