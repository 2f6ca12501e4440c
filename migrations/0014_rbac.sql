-- Kubernetes RBAC objects (rbac.authorization.k8s.io/v1) that the service stores and enforces on every request
-- (docs/access-control.md). One table for the four kinds: Role and RoleBinding live in a namespace, ClusterRole and
-- ClusterRoleBinding in none (namespace ''). Roles carry rules, bindings subjects and an immutable roleRef.
create table rbac_objects (
  kind             text        not null,
  namespace        text        not null,
  name             text        not null,
  uid              uuid        not null default gen_random_uuid(),
  labels           jsonb       not null default '{}',
  annotations      jsonb       not null default '{}',
  rules            jsonb,
  aggregation_rule jsonb,
  subjects         jsonb,
  role_ref         jsonb,
  resource_version bigint      not null default nextval('resource_version_seq'),
  created          timestamptz not null default clock_timestamp(),
  updated          timestamptz not null default clock_timestamp(),
  updated_by       text        not null default '',
  primary key (kind, namespace, name),
  constraint rbac_objects_kind_valid check (kind in ('Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding')),
  constraint rbac_objects_scope check ((kind in ('Role', 'RoleBinding')) = (namespace <> '')),
  constraint rbac_objects_namespace_valid check (namespace = '' or is_dns_label(namespace)),
  -- Kubernetes' path segment names: anything but '.', '..', '/' and '%'.
  constraint rbac_objects_name_valid check (
    name <> '' and name not in ('.', '..') and name !~ '[/%]' and length(name) <= 253),
  constraint rbac_objects_shape check (
    case when kind in ('Role', 'ClusterRole')
      then jsonb_typeof(rules) = 'array' and subjects is null and role_ref is null
      else jsonb_typeof(subjects) = 'array' and jsonb_typeof(role_ref) = 'object' and rules is null
    end)
);

create trigger rbac_objects_immutable before update on rbac_objects for each row
  execute function forbid_column_changes('kind', 'namespace', 'name', 'uid', 'created', 'role_ref');
create trigger rbac_objects_touch before update on rbac_objects for each row execute function touch_row();

-- Every authorization reads the bindings of one namespace and of the cluster.
create index rbac_objects_bindings on rbac_objects (namespace) where role_ref is not null;
