/** Storage of Kubernetes RBAC objects (table `rbac_objects`, migration 0014); one module for the four kinds. */
import type { Queryable } from '../db/queryable.js';
import { withSqlErrors } from '../db/sql-errors.js';
import { ConflictError, NotFoundError, STALE_OBJECT, type ResourceRef } from '../errors.js';
import { RBAC_GROUP, type PolicyRule, type RoleRef, type Subject } from '../rbac/types.js';
import { decodeContinue, pageLimit, toPage } from './pagination.js';
import { json, versionParam } from './sql.js';
import type { Page } from './types.js';

export type RbacKind = 'Role' | 'ClusterRole' | 'RoleBinding' | 'ClusterRoleBinding';

export const RBAC_RESOURCES: Record<RbacKind, string> = {
  Role: 'roles',
  ClusterRole: 'clusterroles',
  RoleBinding: 'rolebindings',
  ClusterRoleBinding: 'clusterrolebindings',
};

/** One stored object; `namespace` is '' for the cluster kinds. */
export interface RbacRow {
  kind: RbacKind;
  namespace: string;
  name: string;
  uid: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  rules: PolicyRule[] | null;
  aggregationRule: Record<string, unknown> | null;
  subjects: Subject[] | null;
  roleRef: RoleRef | null;
  resourceVersion: string;
  created: Date;
}

/** What a create or update writes (kind, namespace and name identify the row). */
export type RbacContent = Pick<
  RbacRow,
  'labels' | 'annotations' | 'rules' | 'aggregationRule' | 'subjects' | 'roleRef'
>;

const COLUMNS = `kind, namespace, name, uid, labels, annotations, rules, aggregation_rule as "aggregationRule",
  subjects, role_ref as "roleRef", resource_version::text as "resourceVersion", created`;

export const rbacRef = (kind: RbacKind, name: string): ResourceRef => ({
  resource: RBAC_RESOURCES[kind],
  group: RBAC_GROUP,
  name,
});

/** Inserts one object; 409 `… already exists` when the name is taken. */
export async function insertRbacObject(
  q: Queryable,
  kind: RbacKind,
  namespace: string,
  name: string,
  content: RbacContent,
  updatedBy: string,
): Promise<RbacRow> {
  return withSqlErrors({ ref: rbacRef(kind, name) }, async () => {
    const { rows } = await q.query<RbacRow>(
      `insert into rbac_objects (kind, namespace, name, labels, annotations, rules, aggregation_rule, subjects, role_ref, updated_by)
       values ($1, $2, $3, $4::jsonb, $5::jsonb, $6::jsonb, $7::jsonb, $8::jsonb, $9::jsonb, $10) returning ${COLUMNS}`,
      [kind, namespace, name, ...contentParams(content), updatedBy],
    );
    return rows[0]!;
  });
}

const contentParams = (c: RbacContent) => [
  json(c.labels),
  json(c.annotations),
  c.rules === null ? null : json(c.rules),
  c.aggregationRule === null ? null : json(c.aggregationRule),
  c.subjects === null ? null : json(c.subjects),
  c.roleRef === null ? null : json(c.roleRef),
];

/** One object, or undefined. */
export async function getRbacObject(
  q: Queryable,
  kind: RbacKind,
  namespace: string,
  name: string,
): Promise<RbacRow | undefined> {
  const { rows } = await q.query<RbacRow>(
    `select ${COLUMNS} from rbac_objects where kind = $1 and namespace = $2 and name = $3`,
    [kind, namespace, name],
  );
  return rows[0];
}

/** A page of one kind, in one namespace or (undefined) all, ordered by namespace then name. */
export async function listRbacObjects(
  q: Queryable,
  kind: RbacKind,
  namespace: string | undefined,
  options: { limit?: number; continue?: string },
): Promise<Page<RbacRow>> {
  const limit = pageLimit(options.limit);
  const after = options.continue ? decodeContinue(options.continue) : undefined;
  const { rows } = await q.query<RbacRow>(
    `select ${COLUMNS} from rbac_objects
     where kind = $1 and ($2::text is null or namespace = $2)
       and ($3::text is null or (namespace, name) > ($3 collate "C", $4 collate "C"))
     order by namespace collate "C", name collate "C" limit $5`,
    [kind, namespace ?? null, after?.namespace ?? null, after?.name ?? null, limit + 1],
  );
  return toPage(rows, limit);
}

async function throwMiss(q: Queryable, kind: RbacKind, namespace: string, name: string): Promise<never> {
  if (await getRbacObject(q, kind, namespace, name)) throw new ConflictError(rbacRef(kind, name), STALE_OBJECT);
  throw new NotFoundError(rbacRef(kind, name));
}

/** Replaces the content while the resourceVersion is `expected` (compare-and-set); 409 stale, 404 absent. */
export async function updateRbacObject(
  q: Queryable,
  kind: RbacKind,
  namespace: string,
  name: string,
  expected: string,
  content: RbacContent,
  updatedBy: string,
): Promise<RbacRow> {
  const rv = versionParam(expected);
  if (rv === null) return throwMiss(q, kind, namespace, name);
  const row = await withSqlErrors({ ref: rbacRef(kind, name) }, async () => {
    const { rows } = await q.query<RbacRow>(
      `update rbac_objects set labels = $5::jsonb, annotations = $6::jsonb, rules = $7::jsonb,
         aggregation_rule = $8::jsonb, subjects = $9::jsonb, role_ref = $10::jsonb, updated_by = $11
       where kind = $1 and namespace = $2 and name = $3 and resource_version = $4 returning ${COLUMNS}`,
      [kind, namespace, name, rv, ...contentParams(content), updatedBy],
    );
    return rows[0];
  });
  return row ?? throwMiss(q, kind, namespace, name);
}

/** Deletes one object (only while at `expected`, when given) and returns it. */
export async function deleteRbacObject(
  q: Queryable,
  kind: RbacKind,
  namespace: string,
  name: string,
  expected: string | undefined,
): Promise<RbacRow> {
  const rv = expected === undefined ? undefined : versionParam(expected);
  if (rv === null) return throwMiss(q, kind, namespace, name);
  const { rows } = await q.query<RbacRow>(
    `delete from rbac_objects where kind = $1 and namespace = $2 and name = $3
       and ($4::bigint is null or resource_version = $4) returning ${COLUMNS}`,
    [kind, namespace, name, rv ?? null],
  );
  return rows[0] ?? throwMiss(q, kind, namespace, name);
}
