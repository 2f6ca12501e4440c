/**
 * Request bodies in Kubernetes' protobuf encoding (`application/vnd.kubernetes.protobuf`): the 4-byte magic
 * `k8s\0`, then a runtime.Unknown {typeMeta {apiVersion, kind}, raw, contentEncoding, contentType} whose `raw` is
 * the object's message. kubectl sends its typed commands (`auth can-i`, `auth whoami`, `create role|rolebinding`)
 * this way and does not retry as JSON; the object is returned as the JSON it stands for.
 */
import { ApiError, BadRequestError } from '../../errors.js';
import { PROTOBUF_KINDS } from './kinds.js';
import { decodeMessage, ProtobufError, type MessageSchema } from './wire.js';

const MAGIC = Buffer.from('k8s\0', 'latin1');

const UNKNOWN: MessageSchema = {
  1: { name: 'typeMeta', type: { 1: { name: 'apiVersion', type: 'string' }, 2: { name: 'kind', type: 'string' } } },
  2: { name: 'raw', type: 'bytes' },
  3: { name: 'contentEncoding', type: 'string' },
};

/** True for Kubernetes' protobuf media type. */
export const isKubeProtobuf = (contentType: string | undefined) =>
  /^\s*application\/vnd\.kubernetes\.protobuf\s*(;|$)/i.test(contentType ?? '');

/** The JSON object a protobuf body encodes; 415 for kinds served only as JSON, 400 for malformed bytes. */
export function decodeKubeProtobuf(bytes: Buffer): Record<string, unknown> {
  if (bytes.length < MAGIC.length || !bytes.subarray(0, MAGIC.length).equals(MAGIC))
    throw new BadRequestError('protobuf body does not start with the Kubernetes magic number');
  try {
    const envelope = decodeMessage(bytes.subarray(MAGIC.length), UNKNOWN) as {
      typeMeta?: { apiVersion?: string; kind?: string };
      raw?: Uint8Array;
      contentEncoding?: string;
    };
    const apiVersion = envelope.typeMeta?.apiVersion ?? '';
    const kind = envelope.typeMeta?.kind ?? '';
    const schema = PROTOBUF_KINDS[`${apiVersion}/${kind}`];
    if (!schema || envelope.contentEncoding)
      throw new ApiError(415, 'UnsupportedMediaType', `${apiVersion} ${kind} is accepted only as JSON or YAML`);
    return { apiVersion, kind, ...decodeMessage(envelope.raw ?? new Uint8Array(), schema) };
  } catch (err) {
    if (err instanceof ProtobufError) throw new BadRequestError(`malformed protobuf body: ${err.message}`);
    throw err;
  }
}
