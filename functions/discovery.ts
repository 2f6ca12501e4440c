import { discoveryOperations } from '../lib/api/discovery/operations.js';
import { createAccess } from '../lib/api/rbac/access.js';
import { createHttpHandler } from '../lib/http/handler.js';
import { answerUnmatched } from '../lib/http/unmatched.js';

/** Discovery documents, OpenAPI, /healthz, and the Status answer of the catch-all route. */
export const operations = { ...discoveryOperations, unmatched: answerUnmatched };
export const handler = createHttpHandler(operations, createAccess);
