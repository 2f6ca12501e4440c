/**
 * Reads what one authorization decision needs (docs/access-control.md "Evaluation"): the ClusterRoleBindings and
 * the bindings of one namespace that name the caller, and the roles those reference. Two indexed queries per
 * request; the subject filter runs in SQL so that a namespace with many bindings costs no more to read.
 */
import type { Queryable } from '../db/queryable.js';
import type { PolicySnapshot } from '../rbac/authorize.js';
import type { Identity, StoredBinding, StoredRole } from '../rbac/types.js';

/** The bindings naming `identity` in `namespace` ('' = cluster only) and the roles they reference. */
export async function loadPolicy(q: Queryable, identity: Identity, namespace: string): Promise<PolicySnapshot> {
  const { rows: bindings } = await q.query<StoredBinding>(
    `select kind, namespace, name, subjects, role_ref as "roleRef" from rbac_objects b
     where role_ref is not null and (kind = 'ClusterRoleBinding' or (kind = 'RoleBinding' and namespace = $1))
       and exists (select 1 from jsonb_array_elements(b.subjects) s
         where (s->>'kind' = 'User' and s->>'name' = $2)
            or (s->>'kind' = 'Group' and s->>'name' = any($3::text[]))
            or (s->>'kind' = 'ServiceAccount'
                and 'system:serviceaccount:' || coalesce(nullif(s->>'namespace', ''), b.namespace) || ':' || (s->>'name') = $2))`,
    [namespace, identity.user, identity.groups],
  );
  if (bindings.length === 0) return { bindings, roles: [] };
  const wanted = bindings.map((b) => ({
    kind: b.roleRef.kind,
    namespace: b.roleRef.kind === 'ClusterRole' ? '' : b.namespace,
    name: b.roleRef.name,
  }));
  const { rows: roles } = await q.query<StoredRole>(
    `select r.kind, r.namespace, r.name, r.rules from rbac_objects r
     join jsonb_to_recordset($1::jsonb) as w(kind text, namespace text, name text)
       on r.kind = w.kind and r.namespace = w.namespace and r.name = w.name
     where r.kind in ('Role', 'ClusterRole')`,
    [JSON.stringify(wanted)],
  );
  return { bindings, roles };
}
