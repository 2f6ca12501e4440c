import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ResponseStream } from './api-types.js';

/**
 * How long a streamed response (a watch) runs when the caller cannot stream: API Gateway ends every integration at
 * 30 s, so the watch ends before that and the client re-watches from its last version, as it does at any end.
 */
export const BUFFERED_STREAM_MS = 25_000;

/** Lambda refuses responses over 6 MB: a buffered stream ends (at an event's end) before it gets there. */
export const BUFFERED_STREAM_BYTES = 5 * 1024 * 1024;

/**
 * Runs a response's stream to its end (at most `limitMs`, about `BUFFERED_STREAM_BYTES`) and returns the response
 * with what it wrote as body.
 */
export async function collectStream<R extends APIGatewayProxyStructuredResultV2 & { stream?: ResponseStream }>(
  result: R,
  limitMs = BUFFERED_STREAM_MS,
): Promise<R> {
  const { stream, ...rest } = result;
  if (!stream) return result;
  const chunks: string[] = [];
  let size = 0;
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), limitMs);
  try {
    await stream({
      write: async (chunk) => {
        if (stop.signal.aborted) return;
        const bytes = Buffer.byteLength(chunk);
        if (size + bytes > BUFFERED_STREAM_BYTES) return stop.abort();
        chunks.push(chunk);
        size += bytes;
      },
      signal: stop.signal,
    });
  } finally {
    clearTimeout(timer);
  }
  return { ...rest, body: chunks.join('') } as R;
}
