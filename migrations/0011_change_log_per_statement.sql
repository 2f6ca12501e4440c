-- The change log, cheap for bulk writes (docs/watch-and-events.md). 0006 logged every row change, and every latest
-- flag that moved touched the package again, so one sync import of N revisions wrote about N + 3 entries per
-- package and updated each package row twice per revision. Now:
-- - an object changes at most once per transaction in the log: a later change of it in the same transaction merges
--   into the entry (nobody outside saw the state between), so an import is N revision entries + 1 per package;
-- - revisions and packages are logged per statement from transition tables, and their latest flags are refreshed
--   once per package and statement instead of once per row;
-- - the package row is touched only when its latest revision changes.

-- The one-per-transaction lookup: entries of the running transaction by object.
create index change_log_by_transaction on change_log (xid, kind, namespace, name) where type <> 'DELETED';

create type change_log_change as (
  resource_version bigint,
  kind             text,
  type             text,
  namespace        text,
  name             text,
  object           jsonb,
  previous         jsonb,
  cause            text
);

-- Records changes, merged with this transaction's earlier entry of the same object: ADDED then MODIFIED stays ADDED
-- (with the last object); MODIFIED then MODIFIED keeps the state before the transaction as `previous`; ADDED then
-- DELETED leaves nothing; MODIFIED then DELETED is a DELETED. A DELETED is never merged into, so deleting and
-- re-creating a name in one transaction stays DELETED then ADDED, as a watcher of the two objects must see it.
create function change_log_record(changes change_log_change[]) returns void language plpgsql as $$
begin
  if cardinality(changes) = 0 then
    return;
  end if;
  with gone as (
    delete from change_log c using unnest(changes) d
     where d.type = 'DELETED' and c.xid = pg_current_xact_id() and c.type <> 'DELETED'
       and c.kind = d.kind and c.namespace = d.namespace and c.name = d.name
    returning c.kind, c.namespace, c.name, c.type
  ), merged as (
    update change_log c
       set resource_version = d.resource_version,
           type = case when c.type = 'ADDED' then 'ADDED' else d.type end,
           object = d.object,
           previous = case when c.type = 'ADDED' then null else c.previous end,
           cause = coalesce(d.cause, c.cause),
           created = clock_timestamp()
      from unnest(changes) d
     where d.type <> 'DELETED' and c.xid = pg_current_xact_id() and c.type <> 'DELETED'
       and c.kind = d.kind and c.namespace = d.namespace and c.name = d.name
    returning c.kind, c.namespace, c.name
  )
  insert into change_log (resource_version, kind, type, namespace, name, object, previous, cause)
  select d.resource_version, d.kind, d.type, d.namespace, d.name, d.object, d.previous, d.cause
    from unnest(changes) d
   where not exists (select 1 from merged m where m.kind = d.kind and m.namespace = d.namespace and m.name = d.name)
     and not exists (select 1 from gone g
                      where g.type = 'ADDED' and g.kind = d.kind and g.namespace = d.namespace and g.name = d.name);
end $$;

-- The single-change form the repository triggers of 0006 call.
create or replace function change_log_add(rv bigint, p_kind text, p_type text, p_namespace text, p_name text,
                                          p_object jsonb, p_previous jsonb, p_cause text) returns void
  language sql as $$
  select change_log_record(array[row(rv, p_kind, p_type, p_namespace, p_name, p_object, p_previous, p_cause)::change_log_change])
$$;

-- Revisions, per statement.
create function change_log_revisions_added() returns trigger language plpgsql as $$
begin
  perform change_log_record(array(
    select row(n.resource_version, 'PackageRevision', 'ADDED', n.namespace, n.name, to_jsonb(n), null, null)::change_log_change
      from new_rows n));
  return null;
end $$;

create function change_log_revisions_modified() returns trigger language plpgsql as $$
begin
  perform change_log_record(array(
    select row(n.resource_version, 'PackageRevision', 'MODIFIED', n.namespace, n.name, to_jsonb(n), to_jsonb(o), null)::change_log_change
      from new_rows n join old_rows o on o.namespace = n.namespace and o.name = n.name));
  return null;
end $$;

create function change_log_revisions_deleted() returns trigger language plpgsql as $$
begin
  perform change_log_record(array(
    select row(nextval('resource_version_seq'), 'PackageRevision', 'DELETED', o.namespace, o.name, to_jsonb(o), null, null)::change_log_change
      from old_rows o));
  return null;
end $$;

-- Packages, per statement; a package's object includes its latest revision number (change_log_package_object).
create function change_log_packages_added() returns trigger language plpgsql as $$
begin
  perform change_log_record(array(
    select row(n.resource_version, 'PorchPackage', 'ADDED', n.namespace, n.name, change_log_package_object(to_jsonb(n)), null, null)::change_log_change
      from new_rows n));
  return null;
end $$;

create function change_log_packages_modified() returns trigger language plpgsql as $$
begin
  perform change_log_record(array(
    select row(n.resource_version, 'PorchPackage', 'MODIFIED', n.namespace, n.name, change_log_package_object(to_jsonb(n)), to_jsonb(o), null)::change_log_change
      from new_rows n join old_rows o on o.namespace = n.namespace and o.name = n.name));
  return null;
end $$;

create function change_log_packages_deleted() returns trigger language plpgsql as $$
begin
  perform change_log_record(array(
    select row(nextval('resource_version_seq'), 'PorchPackage', 'DELETED', o.namespace, o.name, to_jsonb(o), null, null)::change_log_change
      from old_rows o));
  return null;
end $$;

-- The latest flags of many packages at once (0001's refresh_latest did one package per revision row): each
-- package's latest revision is its highest positive revision; the package rows are locked first, in key order, so
-- concurrent publishes of one package take turns instead of each seeing a stale maximum. Flags are cleared before
-- they are set (one latest per package is a unique index, checked row by row). A package is touched (new
-- resourceVersion, so a MODIFIED carrying its new latest revision) when, and only when, its latest revision changed.
create function refresh_latest_flags(p_namespaces text[], p_packages text[]) returns void language plpgsql as $$
declare
  tops text[];
  top_namespaces text[];
  cleared text[];
  cleared_namespaces text[];
  set_on text[];
  set_namespaces text[];
begin
  perform 1 from packages k join unnest(p_namespaces, p_packages) a(ns, pkg) on k.namespace = a.ns and k.name = a.pkg
   order by k.namespace, k.name for update of k;
  select array_agg(t.name), array_agg(t.namespace) into tops, top_namespaces from (
    select distinct on (r.namespace, r.package) r.namespace, r.name
      from package_revisions r join unnest(p_namespaces, p_packages) a(ns, pkg) on r.namespace = a.ns and r.package = a.pkg
     where r.revision > 0 order by r.namespace, r.package, r.revision desc) t;
  with done as (
    update package_revisions r set latest = false
      from unnest(p_namespaces, p_packages) a(ns, pkg)
     where r.namespace = a.ns and r.package = a.pkg and r.latest
       and not exists (select 1 from unnest(top_namespaces, tops) t(ns, name) where t.ns = r.namespace and t.name = r.name)
    returning r.namespace, r.package)
  select array_agg(package), array_agg(namespace) into cleared, cleared_namespaces from done;
  with done as (
    update package_revisions r set latest = true
      from unnest(top_namespaces, tops) t(ns, name)
     where r.namespace = t.ns and r.name = t.name and not r.latest
    returning r.namespace, r.package)
  select array_agg(package), array_agg(namespace) into set_on, set_namespaces from done;
  update packages k set updated = clock_timestamp()
    from (select * from unnest(cleared_namespaces, cleared) union select * from unnest(set_namespaces, set_on)) c(ns, pkg)
   where k.namespace = c.ns and k.name = c.pkg;
end $$;

-- Latest flags, per statement: once for the packages a statement inserted or renumbered positive revisions into.
create function latest_after_revisions_added() returns trigger language plpgsql as $$
begin
  perform refresh_latest_flags(array_agg(namespace), array_agg(package))
     from (select distinct namespace, package from new_rows where revision > 0) p
   having count(*) > 0;
  return null;
end $$;

create function latest_after_revisions_modified() returns trigger language plpgsql as $$
begin
  perform refresh_latest_flags(array_agg(namespace), array_agg(package))
     from (select distinct n.namespace, n.package from new_rows n join old_rows o on o.namespace = n.namespace and o.name = n.name
            where n.revision > 0 and n.revision <> o.revision) p
   having count(*) > 0;
  return null;
end $$;

-- After deletes: flags are refreshed, a package left without revisions goes, and one that lost its latest
-- revision without getting another is touched (its latestRevision is now empty).
create function latest_after_revisions_deleted() returns trigger language plpgsql as $$
begin
  perform refresh_latest_flags(array_agg(namespace), array_agg(package))
     from (select distinct namespace, package from old_rows) p
   having count(*) > 0;
  delete from packages k
   using (select distinct namespace, package from old_rows) d
   where k.namespace = d.namespace and k.name = d.package
     and not exists (select 1 from package_revisions r where r.namespace = d.namespace and r.package = d.package);
  update packages k set updated = clock_timestamp()
    from (select distinct namespace, package from old_rows where latest) d
   where k.namespace = d.namespace and k.name = d.package
     and not exists (select 1 from package_revisions r where r.namespace = d.namespace and r.package = d.package and r.latest);
  return null;
end $$;

drop trigger package_revisions_change_log on package_revisions;
drop trigger packages_change_log on packages;
drop trigger package_revisions_latest_on_insert on package_revisions;
drop trigger package_revisions_latest_on_update on package_revisions;
drop trigger package_revisions_latest_on_delete on package_revisions;
drop function change_log_package_revisions();
drop function change_log_packages();
drop function package_revisions_after_change();
drop function refresh_latest(text, text);

-- Statement triggers of one event fire in name order: the change log first, then the latest refresh (whose flag
-- updates merge into the entries just written).
create trigger package_revisions_change_log_added after insert on package_revisions
  referencing new table as new_rows for each statement execute function change_log_revisions_added();
create trigger package_revisions_change_log_modified after update on package_revisions
  referencing old table as old_rows new table as new_rows for each statement execute function change_log_revisions_modified();
create trigger package_revisions_change_log_deleted after delete on package_revisions
  referencing old table as old_rows for each statement execute function change_log_revisions_deleted();
create trigger package_revisions_latest_added after insert on package_revisions
  referencing new table as new_rows for each statement execute function latest_after_revisions_added();
create trigger package_revisions_latest_modified after update on package_revisions
  referencing old table as old_rows new table as new_rows for each statement execute function latest_after_revisions_modified();
create trigger package_revisions_latest_deleted after delete on package_revisions
  referencing old table as old_rows for each statement execute function latest_after_revisions_deleted();
create trigger packages_change_log_added after insert on packages
  referencing new table as new_rows for each statement execute function change_log_packages_added();
create trigger packages_change_log_modified after update on packages
  referencing old table as old_rows new table as new_rows for each statement execute function change_log_packages_modified();
create trigger packages_change_log_deleted after delete on packages
  referencing old table as old_rows for each statement execute function change_log_packages_deleted();
