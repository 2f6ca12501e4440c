/**
 * Watch (and every other read) over a Lambda function URL with response streaming: API Gateway cannot stream.
 * docs/watch-and-events.md says how a kubeconfig reaches it.
 */
import type { Writable } from 'node:stream';
import { config } from '../lib/config.js';
import { createFunctionUrlHandler, type ResponseMeta } from '../lib/http/function-url.js';
import { createJwtVerify } from '../lib/http/jwt-verify.js';
import { createReadHandlers } from '../lib/handlers/read-handlers.js';

/** What the Node.js Lambda runtime provides for response streaming. */
declare const awslambda: {
  streamifyResponse(handler: (event: any, stream: Writable, context: any) => Promise<void>): unknown;
  HttpResponseStream: { from(stream: Writable, meta: ResponseMeta): Writable };
};

const { jwtIssuer, jwtAudience, jwtJwksUri } = config();

export const handler = awslambda.streamifyResponse(
  createFunctionUrlHandler({
    handlers: createReadHandlers({}),
    // Without an issuer the URL is deployed with IAM auth: Lambda checks the caller before the function runs.
    verify: jwtIssuer ? createJwtVerify({ issuer: jwtIssuer, audience: jwtAudience, jwksUri: jwtJwksUri }) : undefined,
    startResponse: (stream, meta) => awslambda.HttpResponseStream.from(stream, meta),
  }),
);
