/**
 * Which changes a watch's selectors match, before and after each change, decided in SQL by the same conditions
 * the lists use (so a selector means the same in a list and in a watch).
 */
import type { Queryable } from '../db/queryable.js';
import type { FieldSelector, SelectorKind } from '../selectors/field-selector.js';
import type { LabelSelector } from '../selectors/label-selector.js';
import { addPackageConditions } from './packages.js';
import { addRepositoryConditions } from './repositories.js';
import { addLabelConditions, addRevisionFieldConditions } from './selector-sql.js';
import { SqlFilter } from './sql-filter.js';

const TABLES: Record<SelectorKind, string> = {
  repositories: 'repositories',
  packages: 'packages',
  packagerevisions: 'package_revisions',
  packagerevisionresources: 'package_revisions',
};

function addConditions(f: SqlFilter, kind: SelectorKind, fields: FieldSelector, labels: LabelSelector) {
  if (kind === 'repositories') return addRepositoryConditions(f, fields, labels);
  if (kind === 'packages') return addPackageConditions(f, fields, labels);
  addRevisionFieldConditions(f, fields);
  addLabelConditions(f, `meta -> 'labels'`, labels, true);
}

/** The versions among `versions` whose object matches now (`after`) and whose previous object matched (`before`). */
export async function matchChanges(
  q: Queryable,
  kind: SelectorKind,
  fields: FieldSelector,
  labels: LabelSelector,
  versions: string[],
): Promise<{ after: Set<string>; before: Set<string> }> {
  if (versions.length === 0) return { after: new Set(), before: new Set() };
  const f = new SqlFilter();
  const list = f.bind(versions);
  addConditions(f, kind, fields, labels);
  const table = TABLES[kind];
  // The conditions name bare columns; inside each subquery they resolve to the rebuilt row.
  const matches = (column: string) =>
    `exists (select 1 from jsonb_populate_record(null::${table}, c.${column}) ${f.clause()})`;
  const { rows } = await q.query<{ v: string; after: boolean; before: boolean }>(
    `select c.resource_version::text as v, ${matches('object')} as after,
            c.previous is not null and ${matches('previous')} as before
       from change_log c where c.resource_version = any(${list}::bigint[])`,
    f.params,
  );
  return {
    after: new Set(rows.filter((r) => r.after).map((r) => r.v)),
    before: new Set(rows.filter((r) => r.before).map((r) => r.v)),
  };
}
