/**
 * Field selectors of docs/porch-semantics.md §9.1, parsed into an AST with Porch's 400 texts. Storage turns the AST
 * into SQL with bound parameters; nothing here touches SQL.
 */
import { BadRequestError } from '../errors.js';

export type SelectorKind = 'packagerevisions' | 'packagerevisionresources' | 'packages' | 'repositories';
export type SelectorLifecycle = 'Draft' | 'Proposed' | 'Published' | 'DeletionProposed';

export type FieldTerm =
  | {
      field: 'metadata.name' | 'metadata.namespace' | 'spec.repository' | 'spec.packageName' | 'spec.workspaceName';
      value: string;
    }
  | { field: 'spec.revision'; value: number }
  | { field: 'spec.lifecycle'; value: SelectorLifecycle }
  | { field: 'spec.packageMetadata.labels'; key: string; value: string };

/** Terms are ANDed, except that `spec.lifecycle` terms are ORed among themselves. */
export interface FieldSelector {
  terms: FieldTerm[];
}

const REVISION_FIELDS = [
  'metadata.name',
  'metadata.namespace',
  'spec.repository',
  'spec.packageName',
  'spec.workspaceName',
  'spec.revision',
  'spec.lifecycle',
];
const FIELDS: Record<SelectorKind, string[]> = {
  packagerevisions: REVISION_FIELDS,
  packagerevisionresources: REVISION_FIELDS,
  packages: ['metadata.name', 'metadata.namespace', 'spec.packageName', 'spec.repository'],
  repositories: ['metadata.name', 'metadata.namespace'],
};
const LIFECYCLES: readonly string[] = ['Draft', 'Proposed', 'Published', 'DeletionProposed'];
const LABEL_FIELD = /^spec\.packageMetadata\.labels\[(.*)\]$/s;

// Splits on commas not escaped with a backslash, as Kubernetes' fields.ParseSelector does.
function splitTerms(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      current += c + text[++i];
    } else if (c === ',') {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

const unescapeSelector = (s: string) => s.replace(/\\(.)/gs, '$1');

function splitOperator(selector: string, term: string): { field: string; op: string; value: string } {
  for (const op of ['!=', '==', '=']) {
    const at = term.indexOf(op);
    if (at >= 0) return { field: term.slice(0, at).trim(), op, value: unescapeSelector(term.slice(at + op.length)) };
  }
  throw new BadRequestError(`invalid selector: '${selector}'; can't understand '${term}'`);
}

// `v3` and `3` both mean 3; anything non-numeric means the unversioned revision -1, and so does a number Go's Atoi
// cannot hold (past int64).
function parseRevision(value: string): number {
  const digits = value.startsWith('v') ? value.slice(1) : value;
  if (!/^-?[0-9]+$/.test(digits)) return -1;
  const n = BigInt(digits);
  return n > 9223372036854775807n || n < -9223372036854775808n ? -1 : Number(n);
}

function parseTerm(kind: SelectorKind, field: string, value: string): FieldTerm | undefined {
  const label = LABEL_FIELD.exec(field);
  if (label && FIELDS[kind] === REVISION_FIELDS) {
    if (label[1] === '') throw new BadRequestError(`label key cannot be empty in field selector "${field}"`);
    return { field: 'spec.packageMetadata.labels', key: label[1]!, value };
  }
  if (!FIELDS[kind].includes(field)) throw new BadRequestError(`"${field}" is not a known field selector`);
  switch (field) {
    case 'spec.lifecycle':
      if (!LIFECYCLES.includes(value)) {
        throw new BadRequestError(`unsupported fieldSelector value "${value}" for field "spec.lifecycle"`);
      }
      return { field, value: value as SelectorLifecycle };
    case 'spec.revision': {
      const revision = parseRevision(value);
      return revision === 0 ? undefined : { field, value: revision };
    }
    default:
      return { field: field as 'metadata.name', value };
  }
}

/** Parses a field selector for a list of `kind`; throws BadRequestError with Porch's texts. */
export function parseFieldSelector(text: string | undefined, kind: SelectorKind): FieldSelector {
  const terms: FieldTerm[] = [];
  if (!text || text.trim() === '') return { terms };
  for (const raw of splitTerms(text)) {
    const term = raw.trim();
    if (term === '') continue;
    const { field, op, value } = splitOperator(text, term);
    if (op === '!=') throw new BadRequestError(`unsupported fieldSelector operator "${op}" for field "${field}"`);
    if (value === '') {
      // Kubernetes reports `==` as the equality operator `=`.
      throw new BadRequestError(`unsupported fieldSelector value "" for field "${field}" with operator "="`);
    }
    const parsed = parseTerm(kind, field, value);
    if (parsed) terms.push(parsed);
  }
  return { terms };
}

/** The namespace a selector asks for (the last `metadata.namespace` term), if any. */
export function selectorNamespace(selector: FieldSelector): string | undefined {
  const terms = selector.terms.filter((t) => t.field === 'metadata.namespace');
  return terms.length ? String(terms[terms.length - 1]!.value) : undefined;
}
