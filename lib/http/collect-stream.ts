import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ResponseStream } from '../contract/api-types.js';

/**
 * How long a streamed response (a watch) runs when the caller cannot stream: API Gateway ends every integration at
 * 30 s, so the watch ends before that and the client re-watches from its last version, as it does at any end.
 */
export const BUFFERED_STREAM_MS = 25_000;

/** Lambda refuses responses over 6 MB: a buffered stream ends (at an event's end) before it gets there. */
export const BUFFERED_STREAM_BYTES = 5 * 1024 * 1024;

/**
 * Once something was written, this much quiet ends the response (a long poll): the client gets its events within
 * about a second instead of at the end of the window, and re-watches from the last one.
 */
export const BUFFERED_QUIET_MS = 1000;

/**
 * Runs a response's stream to its end (at most `limitMs`, about `BUFFERED_STREAM_BYTES`, or `BUFFERED_QUIET_MS`
 * after its last write) and returns the response with what it wrote as body.
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
  let quiet: NodeJS.Timeout | undefined;
  try {
    await stream({
      write: async (chunk) => {
        if (stop.signal.aborted) return;
        const bytes = Buffer.byteLength(chunk);
        if (size + bytes > BUFFERED_STREAM_BYTES) return stop.abort();
        chunks.push(chunk);
        size += bytes;
        clearTimeout(quiet);
        quiet = setTimeout(() => stop.abort(), BUFFERED_QUIET_MS);
      },
      signal: stop.signal,
    });
  } finally {
    clearTimeout(timer);
    clearTimeout(quiet);
  }
  return { ...rest, body: chunks.join('') } as R;
}
