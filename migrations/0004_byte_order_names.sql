-- Lists are ordered by namespace, then name, in byte order (porch-semantics.md §9.3), and keyset pages compare
-- (namespace, name) with `>`. Under a linguistic collation (en_US.UTF-8 is the default of many servers, RDS
-- included) '-' and '.' are ignored at first level, so `a-b` would sort after `a.c`. Pin the key columns to the
-- "C" collation so the order, and the indexes that serve it, are bytewise whatever the database's locale.
-- Comparisons with columns left on the default collation take "C" (a non-default implicit collation wins).
alter table repositories
  alter column namespace type text collate "C",
  alter column name type text collate "C";
alter table packages
  alter column namespace type text collate "C",
  alter column name type text collate "C";
alter table package_revisions
  alter column namespace type text collate "C",
  alter column name type text collate "C";
