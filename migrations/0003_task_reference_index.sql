-- Deleting a revision first asks which revisions name it as their clone/upgrade upstream (porch-semantics.md §10):
-- `tasks @> '[{"clone": …}]'`. Without this index that question reads every revision of the namespace.
create index package_revisions_tasks on package_revisions using gin (tasks jsonb_path_ops);
