/** The columns `kubectl get` prints for RBAC kinds (server-side printing, as kube-apiserver does). */
import { ageOf, type TableColumn } from '../../contract/table.js';
import type { RoleRef, Subject } from '../../rbac/types.js';
import type { RbacKind } from '../../storage/rbac-objects.js';
import { isRole } from './rbac-object.js';

type Json = Record<string, unknown>;

type RbacObject = { metadata?: Json; roleRef?: RoleRef; subjects?: Subject[] };

const who = (o: RbacObject, kinds: string[]) =>
  (o.subjects ?? [])
    .filter((s) => kinds.includes(s.kind))
    .map((s) => (s.kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name))
    .join(', ');

/** kubectl's columns: Name and Created At for roles; Name, Role, Age (and -o wide subjects) for bindings. */
export function rbacColumns(kind: RbacKind): TableColumn<RbacObject>[] {
  const name: TableColumn<RbacObject> = { name: 'Name', type: 'string', cell: (o) => o.metadata?.name };
  if (isRole(kind)) return [name, { name: 'Created At', type: 'date', cell: (o) => o.metadata?.creationTimestamp }];
  return [
    name,
    { name: 'Role', type: 'string', cell: (o) => `${o.roleRef?.kind}/${o.roleRef?.name}` },
    { name: 'Age', type: 'string', cell: (o) => ageOf(o) },
    { name: 'Users', type: 'string', priority: 1, cell: (o) => who(o, ['User']) },
    { name: 'Groups', type: 'string', priority: 1, cell: (o) => who(o, ['Group']) },
    { name: 'ServiceAccounts', type: 'string', priority: 1, cell: (o) => who(o, ['ServiceAccount']) },
  ];
}
