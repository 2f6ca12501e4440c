-- What discovery found per ref at the last successful sync: ref name → [[pkgpath, revision, workspace], ...].
-- With refs (ref → oid) it lets a sync rebuild the external revision set without re-reading unchanged refs.
alter table repository_sync add column discovered jsonb not null default '{}';

-- A text as timestamptz, or null when it is not one: lets the due-repository query read spec.sync.runOnceAt
-- without one malformed spec failing the query for every repository.
create function try_timestamptz(value text) returns timestamptz language plpgsql immutable as $$
begin
  return value::timestamptz;
exception when others then
  return null;
end $$;
