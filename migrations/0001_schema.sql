-- The package cache: repositories → packages → package revisions → resources, keyed by Kubernetes
-- (namespace, name). The rules of porch-semantics.md §2 and §5 live here so that no writer can skip them.

-- Every write of a row takes a new value; it is the object's resourceVersion (PR and PRR share it).
create sequence resource_version_seq;

-- DNS label (RFC 1123), ≤ 63 characters.
create function is_dns_label(value text) returns boolean
  language sql immutable parallel safe
  return value ~ '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' and length(value) <= 63;

-- A package path: DNS-label segments joined by '/', still a DNS label with the slashes removed.
create function is_package_path(value text) returns boolean
  language sql immutable parallel safe
  return value ~ '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(/[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'
     and length(replace(value, '/', '')) <= 63;

-- Before every update: new resourceVersion and updated time.
create function touch_row() returns trigger language plpgsql as $$
begin
  new.resource_version := nextval('resource_version_seq');
  new.updated := clock_timestamp();
  return new;
end $$;

-- Before update: refuses changes to the columns named in the trigger's arguments.
create function forbid_column_changes() returns trigger language plpgsql as $$
declare
  col text;
begin
  foreach col in array tg_argv loop
    if (to_jsonb(old) -> col) is distinct from (to_jsonb(new) -> col) then
      raise exception 'create or update not allowed on column "%", the value cannot change', col
        using errcode = 'check_violation', constraint = tg_table_name || '_immutable', column = col;
    end if;
  end loop;
  return new;
end $$;

create table repositories (
  namespace        text        not null,
  name             text        not null,
  uid              uuid        not null default gen_random_uuid(),
  type             text        not null default 'git' check (type in ('git', 'oci')),
  repo_url         text        not null check (repo_url <> ''),
  branch           text        not null check (branch <> ''),
  directory        text        not null check (directory !~ '^/|/$|//'),
  deployment       boolean     not null default false,
  meta             jsonb       not null default '{}',
  spec             jsonb       not null,
  generation       bigint      not null default 1,
  resource_version bigint      not null default nextval('resource_version_seq'),
  created          timestamptz not null default clock_timestamp(),
  updated          timestamptz not null default clock_timestamp(),
  updated_by       text        not null default '',
  primary key (namespace, name),
  constraint repositories_name_valid check (is_dns_label(name)),
  constraint repositories_namespace_valid check (is_dns_label(namespace))
);

create trigger repositories_immutable before update on repositories for each row
  execute function forbid_column_changes('namespace', 'name', 'uid', 'type', 'repo_url', 'branch', 'directory', 'created');
create trigger repositories_touch before update on repositories for each row execute function touch_row();

-- What the last sync of each repository saw and did; kept apart so that syncs never move the Repository's
-- resourceVersion (a client's PUT of the spec does not conflict with a sync).
create table repository_sync (
  namespace            text        not null,
  repository           text        not null,
  refs                 jsonb       not null default '{}',  -- ref name → object id, as of the last successful sync
  version              text,                               -- digest of refs
  commit_hash          text,                               -- head of the branch
  state                text        not null default 'Reconciling' check (state in ('Ready', 'Error', 'Reconciling')),
  message              text        not null default '',
  last_full_sync_time  timestamptz,
  next_full_sync_time  timestamptz not null default clock_timestamp(),
  observed_generation  bigint      not null default 0,
  observed_run_once_at timestamptz,
  package_count        integer     not null default 0,
  cached_only          integer     not null default 0,
  both_count           integer     not null default 0,
  external_only        integer     not null default 0,
  skipped              jsonb       not null default '[]',  -- refs the storage rules cannot hold, with the reason
  duration_ms          integer,
  updated              timestamptz not null default clock_timestamp(),
  primary key (namespace, repository),
  foreign key (namespace, repository) references repositories (namespace, name) on delete cascade
);

create index repository_sync_due on repository_sync (next_full_sync_time);

create table packages (
  namespace        text        not null,
  name             text        not null,  -- <repo>.<pkgpath with / → .>
  repository       text        not null,
  path             text        not null,  -- pkgpath, relative to the repository directory
  uid              uuid        not null,
  meta             jsonb       not null default '{}',
  spec             jsonb       not null default '{}',
  resource_version bigint      not null default nextval('resource_version_seq'),
  created          timestamptz not null default clock_timestamp(),
  updated          timestamptz not null default clock_timestamp(),
  updated_by       text        not null default '',
  primary key (namespace, name),
  unique (namespace, repository, path),
  unique (namespace, name, repository, path),
  foreign key (namespace, repository) references repositories (namespace, name) on delete cascade,
  constraint packages_path_valid check (is_package_path(path)),
  constraint packages_name_matches check (name = repository || '.' || replace(path, '/', '.'))
);

create trigger packages_immutable before update on packages for each row
  execute function forbid_column_changes('namespace', 'name', 'repository', 'path', 'uid', 'created');
create trigger packages_touch before update on packages for each row execute function touch_row();

create table package_revisions (
  namespace         text        not null,
  name              text        not null,  -- <package>.<workspace>
  package           text        not null,
  repository        text        not null,
  package_path      text        not null,
  package_name      text        not null generated always as (substring(package_path from '[^/]+$')) stored,
  workspace         text        not null,
  revision          integer     not null default 0,
  lifecycle         text        not null default 'Draft',
  latest            boolean     not null default false,
  uid               uuid        not null,
  meta              jsonb       not null default '{}',  -- labels, annotations, finalizers, ownerReferences, deletionTimestamp
  spec              jsonb       not null default '{}',  -- packageMetadata, readinessGates, parent
  tasks             jsonb       not null default '[]',
  self_lock         jsonb,
  upstream_lock     jsonb,
  conditions        jsonb       not null default '[]',  -- Kptfile status.conditions
  published_by      text,
  publish_timestamp timestamptz,
  resource_version  bigint      not null default nextval('resource_version_seq'),
  created           timestamptz not null default clock_timestamp(),
  updated           timestamptz not null default clock_timestamp(),
  updated_by        text        not null default '',
  primary key (namespace, name),
  foreign key (namespace, package, repository, package_path)
    references packages (namespace, name, repository, path) on delete cascade,
  constraint package_revisions_lifecycle_valid
    check (lifecycle in ('Draft', 'Proposed', 'Published', 'DeletionProposed')),
  constraint package_revisions_revision_range check (revision >= -1),
  -- revision 0 ⇔ Draft or Proposed; -1 and N > 0 are always Published or DeletionProposed.
  constraint package_revisions_revision_lifecycle
    check ((revision = 0) = (lifecycle in ('Draft', 'Proposed'))),
  constraint package_revisions_latest_positive check (not latest or revision > 0),
  constraint package_revisions_workspace_valid
    check (is_dns_label(workspace) or (revision = -1 and workspace ~ '^v[0-9]+(\.[0-9]+)*$')),
  constraint package_revisions_name_matches check (name = package || '.' || workspace),
  constraint package_revisions_name_length check (length(name) <= 253)
);

-- A positive revision number is unique within its package.
create unique index package_revisions_revision_unique
  on package_revisions (namespace, package, revision) where revision > 0;
-- At most one latest revision per package; also serves "latest only" lists.
create unique index package_revisions_latest_unique on package_revisions (namespace, package) where latest;
create index package_revisions_latest on package_revisions (namespace, name) where latest;
create index package_revisions_by_repository on package_revisions (namespace, repository, name);
create index package_revisions_by_package on package_revisions (namespace, package, name);
create index package_revisions_by_package_name on package_revisions (namespace, package_name, name);
create index package_revisions_by_workspace on package_revisions (namespace, workspace, name);
create index package_revisions_by_lifecycle on package_revisions (namespace, lifecycle, name);
create index package_revisions_labels on package_revisions using gin ((meta -> 'labels'));
create index package_revisions_package_labels on package_revisions using gin ((spec -> 'packageMetadata' -> 'labels'));

-- Lifecycle and revision rules of porch-semantics.md §2 that a CHECK cannot express (they compare old and new).
create function check_package_revision_transition() returns trigger language plpgsql as $$
begin
  if new.revision = old.revision then
    return new;
  end if;
  if old.revision <> 0 and new.revision = 0 then
    raise exception 'create or update not allowed on column "revision", update of revision from % to zero is illegal', old.revision
      using errcode = 'check_violation', constraint = 'package_revisions_transition', column = 'revision';
  end if;
  if old.revision <> 0 then
    raise exception 'create or update not allowed on column "revision", update of revision from % to % is illegal', old.revision, new.revision
      using errcode = 'check_violation', constraint = 'package_revisions_transition', column = 'revision';
  end if;
  if old.lifecycle <> 'Proposed' then
    raise exception 'create or update not allowed on column "lifecycle", lifecycle % is not Proposed', old.lifecycle
      using errcode = 'check_violation', constraint = 'package_revisions_transition', column = 'lifecycle';
  end if;
  if new.revision < 1 then
    raise exception 'create or update not allowed on column "revision", a Proposed revision can only be published with a revision number above zero'
      using errcode = 'check_violation', constraint = 'package_revisions_transition', column = 'revision';
  end if;
  return new;
end $$;

create trigger package_revisions_transition before update on package_revisions for each row
  execute function check_package_revision_transition();
create trigger package_revisions_immutable before update on package_revisions for each row
  execute function forbid_column_changes('namespace', 'name', 'package', 'repository', 'package_path', 'workspace', 'uid', 'created');
create trigger package_revisions_touch before update on package_revisions for each row execute function touch_row();

-- The latest revision of a package is its highest positive revision (every positive revision is Published or
-- DeletionProposed). Recomputed after every change of a package's revision set; the package row is locked first so
-- that concurrent publishes of one package take turns instead of each seeing a stale maximum.
create function refresh_latest(p_namespace text, p_package text) returns void language plpgsql as $$
declare
  top text;
begin
  perform 1 from packages where namespace = p_namespace and name = p_package for update;
  select name into top from package_revisions
   where namespace = p_namespace and package = p_package and revision > 0
   order by revision desc limit 1;
  update package_revisions set latest = false
   where namespace = p_namespace and package = p_package and latest and name is distinct from top;
  if top is not null then
    update package_revisions set latest = true where namespace = p_namespace and name = top and not latest;
  end if;
end $$;

create function package_revisions_after_change() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    perform refresh_latest(old.namespace, old.package);
    -- A package exists while at least one of its revisions exists.
    delete from packages p
     where p.namespace = old.namespace and p.name = old.package
       and not exists (select 1 from package_revisions r where r.namespace = old.namespace and r.package = old.package);
    return old;
  end if;
  if new.revision > 0 and (tg_op = 'INSERT' or old.revision <> new.revision) then
    perform refresh_latest(new.namespace, new.package);
  end if;
  return new;
end $$;

create trigger package_revisions_latest_on_insert after insert on package_revisions for each row
  execute function package_revisions_after_change();
create trigger package_revisions_latest_on_update after update of revision on package_revisions for each row
  execute function package_revisions_after_change();
create trigger package_revisions_latest_on_delete after delete on package_revisions for each row
  execute function package_revisions_after_change();

-- The files of a package revision, one row per file. Paths are relative, normalised and never escape the package.
create table resources (
  namespace        text not null,
  package_revision text not null,
  path             text not null,
  content          text not null,
  primary key (namespace, package_revision, path),
  foreign key (namespace, package_revision) references package_revisions (namespace, name) on delete cascade,
  constraint resources_path_safe check (
    path <> '' and length(path) <= 4096
    and path !~ '^/' and path !~ '//' and path !~ '/$' and path !~ '\\'
    and path !~ '(^|/)\.\.?(/|$)'
  )
);
