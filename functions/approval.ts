import { approvalOperations } from '../lib/api/package-revisions/operations.js';
import { createAccess } from '../lib/api/rbac/access.js';
import { createHttpHandler } from '../lib/http/handler.js';

/** Approval (publish, reject, propose-delete) and delete of package revisions: the operations that touch git. */
export const handler = createHttpHandler(approvalOperations, createAccess);
