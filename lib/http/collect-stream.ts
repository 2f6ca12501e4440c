import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ResponseStream } from './api-types.js';

/**
 * How long a streamed response (a watch) runs when the caller cannot stream: API Gateway ends every integration at
 * 30 s, so the watch ends before that and the client re-watches from its last version, as it does at any end.
 */
export const BUFFERED_STREAM_MS = 25_000;

/** Runs a response's stream to its end (at most `limitMs`) and returns the response with what it wrote as body. */
export async function collectStream<R extends APIGatewayProxyStructuredResultV2 & { stream?: ResponseStream }>(
  result: R,
  limitMs = BUFFERED_STREAM_MS,
): Promise<R> {
  const { stream, ...rest } = result;
  if (!stream) return result;
  const chunks: string[] = [];
  const signal = AbortSignal.timeout(limitMs);
  await stream({ write: async (chunk) => void chunks.push(chunk), signal });
  return { ...rest, body: chunks.join('') } as R;
}
