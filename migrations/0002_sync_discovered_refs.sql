-- What discovery found per ref at the last successful sync: ref name → [[pkgpath, revision, workspace, content marker], ...].
-- With refs (ref → oid) it lets a sync rebuild the external revision set without re-reading unchanged refs.
alter table repository_sync add column discovered jsonb not null default '{}';

