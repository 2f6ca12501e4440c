import { rbacOperations } from '../lib/api/rbac/operations.js';
import { createAccess } from '../lib/api/rbac/access.js';
import { createHttpHandler } from '../lib/http/handler.js';

/** RBAC objects (Role, RoleBinding, ClusterRole, ClusterRoleBinding) and the self-reviews of kubectl auth. */
export const handler = createHttpHandler(rbacOperations, createAccess);
