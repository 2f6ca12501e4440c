-- The change log: one row per change of a served object, written by triggers in the writer's own transaction (so
-- no writer, sync's bulk writes included, can skip it). Watch and the event relay read it in resourceVersion order
-- (docs/watch-and-events.md).
create table change_log (
  resource_version bigint      primary key,  -- the object's new resourceVersion (a fresh one for deletes and sync status)
  kind             text        not null check (kind in ('Repository', 'PorchPackage', 'PackageRevision')),
  type             text        not null check (type in ('ADDED', 'MODIFIED', 'DELETED')),
  namespace        text        collate "C" not null,
  name             text        collate "C" not null,
  object           jsonb       not null,  -- the row after the change (before it, for DELETED)
  previous         jsonb,                 -- the row before an update: selectors decide "left the selection" with it
  cause            text,                  -- 'sync' when a Repository's sync status changed (not the object itself)
  xid              xid8        not null default pg_current_xact_id(),
  created          timestamptz not null default clock_timestamp()
);

-- One row: how far the log has been compacted (a watch from an older version is 410 Expired) and where the event
-- relay stands (null until a relay first runs; compaction never passes it within the relay's grace period).
create table change_log_state (
  id                boolean primary key default true check (id),
  compacted_through bigint  not null default 0,
  relay_cursor      bigint
);
insert into change_log_state default values;

-- Readers must never pass a version that a still-running transaction may yet commit below: versions are taken from
-- the sequence before commit, so commit order differs from version order. Every writing transaction announces,
-- before it takes its first version, the sequence value it starts above, as a shared transaction-level advisory
-- lock (class 'chlg', the value's low 32 bits); pg_locks makes that visible to every session until it ends.
create function change_log_register() returns trigger language plpgsql as $$
declare
  floor bigint;
  low bigint;
begin
  if coalesce(current_setting('porch.change_log_registered', true), '') = 'on' then
    return null;
  end if;
  select case when is_called then last_value else last_value - 1 end into floor from resource_version_seq;
  low := floor % 4294967296;
  perform pg_advisory_xact_lock_shared(1667787879, (low - case when low >= 2147483648 then 4294967296 else 0 end)::int);
  perform set_config('porch.change_log_registered', 'on', true);
  return null;
end $$;

-- The highest version below which every change is committed or will never exist: the lowest announced start of a
-- running writer, else the sequence's last value. Read the sequence first, then the locks (see above).
create function change_log_horizon() returns bigint language plpgsql volatile as $$
declare
  v bigint;
  lowest bigint;
begin
  select case when is_called then last_value else last_value - 1 end into v from resource_version_seq;
  select min(v - ((((v - objid::bigint) % 4294967296) + 4294967296) % 4294967296)) into lowest
    from pg_locks
   where locktype = 'advisory' and classid = 1667787879 and objsubid = 2
     and database = (select oid from pg_database where datname = current_database());
  return least(v, coalesce(lowest, v));
end $$;

create function change_log_add(rv bigint, p_kind text, p_type text, p_namespace text, p_name text, p_object jsonb,
                               p_previous jsonb, p_cause text) returns void language sql as $$
  insert into change_log (resource_version, kind, type, namespace, name, object, previous, cause)
  values (rv, p_kind, p_type, p_namespace, p_name, p_object, p_previous, p_cause)
$$;

-- A Repository's object includes its sync status, minus what sync remembers per ref (large, never shown).
create function change_log_repository_object(repo jsonb) returns jsonb language sql stable as $$
  select repo || jsonb_build_object('sync',
    (select to_jsonb(s) - 'refs' - 'discovered' from repository_sync s
      where s.namespace = repo ->> 'namespace' and s.repository = repo ->> 'name'))
$$;

create function change_log_repositories() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    perform change_log_add(nextval('resource_version_seq'), 'Repository', 'DELETED', old.namespace, old.name,
                           change_log_repository_object(to_jsonb(old)), null, null);
    return old;
  end if;
  perform change_log_add(new.resource_version, 'Repository', case when tg_op = 'INSERT' then 'ADDED' else 'MODIFIED' end,
                         new.namespace, new.name, change_log_repository_object(to_jsonb(new)),
                         case when tg_op = 'UPDATE' then change_log_repository_object(to_jsonb(old)) end, null);
  return new;
end $$;

-- A sync status change is a MODIFIED of its Repository (its row, and so its resourceVersion, stays as it was).
create function change_log_repository_sync() returns trigger language plpgsql as $$
declare
  repo jsonb;
begin
  select to_jsonb(r) into repo from repositories r where r.namespace = new.namespace and r.name = new.repository;
  if repo is not null then
    perform change_log_add(nextval('resource_version_seq'), 'Repository', 'MODIFIED', new.namespace, new.repository,
                           change_log_repository_object(repo),
                           repo || jsonb_build_object('sync', to_jsonb(old) - 'refs' - 'discovered'), 'sync');
  end if;
  return new;
end $$;

-- A package's object includes its latest revision number, which lives on its revisions.
create function change_log_package_object(pkg jsonb) returns jsonb language sql stable as $$
  select pkg || jsonb_build_object('latest_revision',
    (select r.revision from package_revisions r
      where r.namespace = pkg ->> 'namespace' and r.package = pkg ->> 'name' and r.latest))
$$;

create function change_log_packages() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    perform change_log_add(nextval('resource_version_seq'), 'PorchPackage', 'DELETED', old.namespace, old.name,
                           to_jsonb(old), null, null);
    return old;
  end if;
  perform change_log_add(new.resource_version, 'PorchPackage', case when tg_op = 'INSERT' then 'ADDED' else 'MODIFIED' end,
                         new.namespace, new.name, change_log_package_object(to_jsonb(new)),
                         case when tg_op = 'UPDATE' then to_jsonb(old) end, null);
  return new;
end $$;

-- A revision's change is logged as it is; when its latest flag moves (or a latest revision goes), its package's
-- latestRevision changed: the package row is touched, so the package gets a new resourceVersion and a MODIFIED.
create function change_log_package_revisions() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    perform change_log_add(nextval('resource_version_seq'), 'PackageRevision', 'DELETED', old.namespace, old.name,
                           to_jsonb(old), null, null);
    if old.latest then
      update packages set updated = clock_timestamp() where namespace = old.namespace and name = old.package;
    end if;
    return old;
  end if;
  perform change_log_add(new.resource_version, 'PackageRevision',
                         case when tg_op = 'INSERT' then 'ADDED' else 'MODIFIED' end, new.namespace, new.name,
                         to_jsonb(new), case when tg_op = 'UPDATE' then to_jsonb(old) end, null);
  if tg_op = 'UPDATE' and old.latest is distinct from new.latest then
    update packages set updated = clock_timestamp() where namespace = new.namespace and name = new.package;
  end if;
  return new;
end $$;

create trigger repositories_change_log_register before insert or update or delete on repositories
  for each statement execute function change_log_register();
create trigger repositories_change_log after insert or update or delete on repositories
  for each row execute function change_log_repositories();
create trigger repository_sync_change_log_register before update on repository_sync
  for each statement execute function change_log_register();
create trigger repository_sync_change_log after update on repository_sync
  for each row execute function change_log_repository_sync();
create trigger packages_change_log_register before insert or update or delete on packages
  for each statement execute function change_log_register();
create trigger packages_change_log after insert or update or delete on packages
  for each row execute function change_log_packages();
create trigger package_revisions_change_log_register before insert or update or delete on package_revisions
  for each statement execute function change_log_register();
create trigger package_revisions_change_log after insert or update or delete on package_revisions
  for each row execute function change_log_package_revisions();
