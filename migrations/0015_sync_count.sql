-- Finished syncs, counted: a sync that finds its refs unchanged no longer marks the repository Reconciling first
-- (one status write instead of two), so "it left Reconciling" cannot tell a sync's end any more. Every end of a
-- sync (Ready or Error) adds one; the lifecycle events read a sync's end off this count (docs/watch-and-events.md).
alter table repository_sync add column syncs bigint not null default 0;
