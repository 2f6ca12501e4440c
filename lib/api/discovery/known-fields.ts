import type { BodyCheck } from '../../contract/api-types.js';
import { BadRequestError } from '../../errors.js';
import { definitionsOf, kindSchemas } from './openapi-schemas.js';

type Schema = Record<string, any>;

const PREFIX = '#/definitions/';
const definitions: Record<string, Schema> = {};
for (const group of new Set(kindSchemas.map((k) => k.group))) Object.assign(definitions, definitionsOf(group, PREFIX));

interface Findings {
  unknown: string[];
  wrongType: string[];
}

const typeOf = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);

function matchesType(value: unknown, type: string): boolean {
  if (value === null) return true; // JSON null decodes to the zero value, as Kubernetes' decoder does
  if (type === 'integer') return Number.isInteger(value);
  if (type === 'number') return typeof value === 'number';
  return typeOf(value) === type;
}

function walk(value: unknown, schema: Schema, path: string, out: Findings) {
  if (schema.$ref) return walk(value, definitions[String(schema.$ref).slice(PREFIX.length)] ?? {}, path, out);
  if (schema.type && !matchesType(value, schema.type)) {
    out.wrongType.push(`${path || '<root>'}: expected ${schema.type}, got ${typeOf(value)}`);
    return;
  }
  if (value === null || schema['x-kubernetes-preserve-unknown-fields']) return;
  if (schema.type === 'array' && schema.items) {
    for (const [i, item] of (value as unknown[]).entries()) walk(item, schema.items, `${path}[${i}]`, out);
    return;
  }
  if (schema.type !== 'object') return;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const childPath = path ? `${path}.${key}` : key;
    const sub = schema.properties?.[key] ?? schema.additionalProperties;
    if (!sub) out.unknown.push(childPath);
    else walk(child, sub, childPath, out);
  }
}

/** The kind a request body must be, from the resource segment of an API path (`…/repositories/x` → Repository). */
export function kindOfPath(path: string): string | undefined {
  const match = /\/namespaces\/[^/]+\/([^/]+)/.exec(path);
  const resource = match?.[1];
  const map: Record<string, string> = {
    repositories: 'Repository',
    packagerevisions: 'PackageRevision',
    packagerevisionresources: 'PackageRevisionResources',
    packages: 'PorchPackage',
  };
  return resource ? map[resource] : undefined;
}

/**
 * Server-side field validation (`fieldValidation` query parameter, Strict by default as kubectl sends it): a field
 * the kind's schema does not know, or a value of the wrong JSON type, is a 400 naming each offending path. With
 * `Warn` unknown fields come back as warnings; with `Ignore` they pass. Returns the warnings.
 */
export function checkKnownFields(kind: string, body: unknown, fieldValidation: string | undefined): string[] {
  const schema = kindSchemas.find((k) => k.kind === kind);
  if (!schema) return [];
  const out: Findings = { unknown: [], wrongType: [] };
  walk(body, definitions[schema.id], '', out);
  const mode = (fieldValidation ?? 'Strict').toLowerCase();
  const unknown = out.unknown.map((p) => `unknown field "${p}"`);
  const errors = [...out.wrongType.map((t) => `wrong type of field ${t}`), ...(mode === 'strict' ? unknown : [])];
  if (errors.length > 0) throw new BadRequestError(`strict decoding error: ${errors.join(', ')}`);
  return mode === 'warn' ? unknown : [];
}

/** The body check of every function that takes bodies: POST and PUT bodies of a served kind, by their route's path. */
export const checkBodyFields: BodyCheck = (routePath, method, body, fieldValidation) => {
  const kind = kindOfPath(routePath);
  return kind && (method === 'POST' || method === 'PUT') ? checkKnownFields(kind, body, fieldValidation) : [];
};
