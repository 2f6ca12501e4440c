-- Package paths as long as Porch lists them (docs/porch-semantics.md §3.2): a package found in git keeps its path
-- whatever its length, as long as every segment is a DNS label and the composed names stay DNS subdomains (≤ 253).
-- Creating a package through the API still requires the path without slashes to be a DNS label (lib/validation.ts).
create or replace function is_package_path(value text) returns boolean
  language sql immutable parallel safe
  return value ~ '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(/[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'
     and value !~ '[^/]{64}'
     and length(value) <= 253;

-- A resource path follows the code's rule (lib/kpt/resource-validation.ts): no control characters and no component
-- that names the repository's .git directory on some file system (any case, NTFS trailing dots/spaces or stream
-- suffix, the 8.3 name git~1, HFS+'s ignorable code points). NOT VALID: rows stored under the older rule stay
-- readable; every new or changed row is checked.
alter table resources drop constraint resources_path_safe;
alter table resources add constraint resources_path_safe check (
  path <> '' and length(path) <= 4096
  and path !~ '^/' and path !~ '//' and path !~ '/$' and path !~ '\\'
  and path !~ '(^|/)\.\.?(/|$)'
  and path !~ '[\x01-\x1f\x7f]'
  and regexp_replace(path, '[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]', '', 'g')
      !~* '(^|/)(\.git[. ]*|\.git:[^/]*|git~1)(/|$)'
) not valid;
