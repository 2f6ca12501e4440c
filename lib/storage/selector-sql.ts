/**
 * Selector ASTs → SQL conditions with bound parameters. Conditions are written so that the indexes of
 * migrations/0001 apply (`namespace = $1 and repository = $2 …`, the partial index on `latest`, GIN on labels).
 */
import { BadRequestError } from '../errors.js';
import { parsePackageRevisionName } from '../names.js';
import {
  parseFieldSelector,
  selectorNamespace,
  type FieldSelector,
  type SelectorKind,
} from '../selectors/field-selector.js';
import { parseLabelSelector, type LabelRequirement, type LabelSelector } from '../selectors/label-selector.js';
import type { SqlFilter } from './sql-filter.js';

export const LATEST_LABEL = 'kpt.dev/latest-revision';

/** Parses selector text, or passes an already parsed selector through. */
export function toFieldSelector(value: string | FieldSelector | undefined, kind: SelectorKind): FieldSelector {
  return typeof value === 'object' ? value : parseFieldSelector(value, kind);
}

/** Parses label selector text, or passes an already parsed selector through. */
export function toLabelSelector(value: string | LabelSelector | undefined): LabelSelector {
  return typeof value === 'object' ? value : parseLabelSelector(value);
}

/**
 * The namespace to list: the URL's, or the selector's when listing all namespaces. Two different ones are a 400,
 * as in Porch.
 */
export function effectiveNamespace(urlNamespace: string | undefined, selector: FieldSelector): string | undefined {
  const fromSelector = selectorNamespace(selector);
  if (urlNamespace && fromSelector && urlNamespace !== fromSelector) {
    throw new BadRequestError(`conflicting namespaces specified: "${fromSelector}" and "${urlNamespace}"`);
  }
  return urlNamespace ?? fromSelector;
}

/** Adds the conditions of a package revision field selector (namespace is handled by the caller). */
export function addRevisionFieldConditions(f: SqlFilter, selector: FieldSelector): void {
  const lifecycles: string[] = [];
  for (const t of selector.terms) {
    switch (t.field) {
      case 'metadata.name': {
        const parts = parsePackageRevisionName(t.value);
        // A name without a package path restricts only repository and workspace (Porch's part-wise match).
        if (parts.path === '')
          f.where(`repository = ${f.bind(parts.repository)} and workspace = ${f.bind(parts.workspace)}`);
        else f.where(`name = ${f.bind(t.value)}`);
        break;
      }
      case 'spec.repository':
        f.where(`repository = ${f.bind(t.value)}`);
        break;
      case 'spec.packageName': {
        const last = t.value.slice(t.value.lastIndexOf('/') + 1);
        f.where(`package_name = ${f.bind(last)}`);
        if (last !== t.value) f.where(`package_path = ${f.bind(t.value)}`);
        break;
      }
      case 'spec.workspaceName':
        f.where(`workspace = ${f.bind(t.value)}`);
        break;
      case 'spec.revision':
        // The column is a 32-bit integer: a number beyond it names no revision (and must not reach SQL as one).
        f.where(t.value >= -2147483648 && t.value <= 2147483647 ? `revision = ${f.bind(t.value)}` : 'false');
        break;
      case 'spec.lifecycle':
        lifecycles.push(t.value);
        break;
      case 'spec.packageMetadata.labels':
        f.where(`spec -> 'packageMetadata' -> 'labels' @> ${f.bind(JSON.stringify({ [t.key]: t.value }))}::jsonb`);
        break;
      case 'metadata.namespace':
        break;
    }
  }
  if (lifecycles.length === 1) f.where(`lifecycle = ${f.bind(lifecycles[0])}`);
  else if (lifecycles.length > 1) f.where(`lifecycle = any(${f.bind([...new Set(lifecycles)])}::text[])`);
}

/**
 * Adds a label requirement over the jsonb object `labels` (an SQL expression such as `meta -> 'labels'`, null when
 * a row has no labels). Positive tests stay bare so the GIN index applies; negations coalesce null to "no match".
 */
export function addLabelCondition(f: SqlFilter, labels: string, r: LabelRequirement): void {
  const value = () => `(${labels} ->> ${f.bind(r.key)})`;
  switch (r.operator) {
    case 'exists':
      return void f.where(`${labels} ? ${f.bind(r.key)}`);
    case '!':
      return void f.where(`not coalesce(${labels} ? ${f.bind(r.key)}, false)`);
    case '=':
      return void f.where(`${labels} @> ${f.bind(JSON.stringify({ [r.key]: r.values[0] }))}::jsonb`);
    case '!=':
      return void f.where(
        `not coalesce(${labels} @> ${f.bind(JSON.stringify({ [r.key]: r.values[0] }))}::jsonb, false)`,
      );
    case 'in':
      return void f.where(`${value()} = any(${f.bind(r.values)}::text[])`);
    case 'notin':
      return void f.where(`not coalesce(${value()} = any(${f.bind(r.values)}::text[]), false)`);
    case 'gt':
    case 'lt': {
      const v = value();
      const op = r.operator === 'gt' ? '>' : '<';
      return void f.where(
        `case when ${v} ~ '^-?[0-9]+$' then ${v}::numeric ${op} ${f.bind(r.values[0])}::numeric else false end`,
      );
    }
  }
}

/**
 * `kpt.dev/latest-revision` is the `latest` column (docs/porch-semantics.md §9.2): `=true`, `in (true)` and existence
 * select latest revisions; `!=true`, `=false`, `notin (true)` and `!key` select the others. Emitted as literal `latest`
 * / `not latest` so that the partial index applies.
 */
export function latestCondition(r: LabelRequirement): string {
  const has = (v: string) => r.values.includes(v);
  switch (r.operator) {
    case 'exists':
      return 'latest';
    case '!':
      return 'not latest';
    case '=':
      return has('true') ? 'latest' : has('false') ? 'not latest' : 'false';
    case '!=':
      return has('true') ? 'not latest' : 'true';
    case 'in':
      return has('true') ? (has('false') ? 'true' : 'latest') : has('false') ? 'not latest' : 'false';
    case 'notin':
      return has('true') ? 'not latest' : 'true';
    default:
      return 'false';
  }
}

/** Adds a label selector over `labels`; with `latestColumn`, the latest label is the flag, not a stored label. */
export function addLabelConditions(f: SqlFilter, labels: string, selector: LabelSelector, latestColumn = false): void {
  for (const r of selector.requirements) {
    if (latestColumn && r.key === LATEST_LABEL) f.where(latestCondition(r));
    else addLabelCondition(f, labels, r);
  }
}

/** Keyset start and namespace restriction; `after` is the decoded continue token. */
export function addKeyset(
  f: SqlFilter,
  namespace: string | undefined,
  after: { namespace: string; name: string } | undefined,
): void {
  if (namespace !== undefined) {
    f.where(`namespace = ${f.bind(namespace)}`);
    if (after) {
      if (after.namespace !== namespace) throw new BadRequestError('continue token does not belong to this list');
      f.where(`name > ${f.bind(after.name)}`);
    }
  } else if (after) {
    f.where(`(namespace, name) > (${f.bind(after.namespace)}, ${f.bind(after.name)})`);
  }
}
