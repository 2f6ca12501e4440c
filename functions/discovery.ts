import { discoveryOperations } from '../lib/api/discovery/operations.js';
import { createHttpHandler } from '../lib/http/handler.js';

/** Discovery documents, OpenAPI and /healthz. */
export const operations = discoveryOperations;
export const handler = createHttpHandler(operations);
