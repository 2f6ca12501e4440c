/**
 * RBAC objects between the wire and storage: reads a request body into what is stored, with Kubernetes'
 * validation of rules, subjects and roleRef (422 with its field paths), and turns a stored row back into the object.
 */
import { BadRequestError, InvalidError, invalidValue, requiredField, type StatusCause } from '../../errors.js';
import { RBAC_GROUP, type PolicyRule, type RoleRef, type Subject } from '../../rbac/types.js';
import type { RbacContent, RbacKind, RbacRow } from '../../storage/rbac-objects.js';

export const RBAC_API_VERSION = `${RBAC_GROUP}/v1`;
const MAX_ITEMS = 1000;

/** Role and ClusterRole carry rules; the bindings carry subjects and a roleRef. */
export const isRole = (kind: RbacKind) => kind === 'Role' || kind === 'ClusterRole';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function stringList(value: unknown, field: string, causes: StatusCause[]): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > MAX_ITEMS || !value.every((v) => typeof v === 'string')) {
    causes.push(invalidValue(field, value, `must be a list of at most ${MAX_ITEMS} strings`));
    return [];
  }
  return value as string[];
}

function stringMap(value: unknown, field: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObject(value) || !Object.values(value).every((v) => typeof v === 'string'))
    throw new BadRequestError(`${field} must be a map of strings`);
  return value as Record<string, string>;
}

function readRules(value: unknown, namespaced: boolean, causes: StatusCause[]): PolicyRule[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > MAX_ITEMS) {
    causes.push(invalidValue('rules', '', `must be a list of at most ${MAX_ITEMS} rules`));
    return [];
  }
  return value.map((raw, i) => {
    const f = `rules[${i}]`;
    const r = isObject(raw) ? raw : {};
    const rule: PolicyRule = { verbs: stringList(r.verbs, `${f}.verbs`, causes) };
    for (const key of ['apiGroups', 'resources', 'resourceNames', 'nonResourceURLs'] as const) {
      const list = stringList(r[key], `${f}.${key}`, causes);
      if (r[key] !== undefined && r[key] !== null) rule[key] = list;
    }
    if (rule.verbs.length === 0) causes.push(requiredField(`${f}.verbs`, 'verbs must contain at least one value'));
    const urls = rule.nonResourceURLs ?? [];
    if (urls.length > 0 && namespaced)
      causes.push(invalidValue(`${f}.nonResourceURLs`, urls, 'namespaced rules cannot apply to non-resource URLs'));
    if (urls.length > 0 && ((rule.apiGroups ?? []).length > 0 || (rule.resources ?? []).length > 0))
      causes.push(
        invalidValue(
          `${f}.nonResourceURLs`,
          urls,
          'rules cannot apply to both regular resources and non-resource URLs',
        ),
      );
    if (urls.length === 0) {
      if ((rule.apiGroups ?? []).length === 0)
        causes.push(requiredField(`${f}.apiGroups`, 'resource rules must supply at least one api group'));
      if ((rule.resources ?? []).length === 0)
        causes.push(requiredField(`${f}.resources`, 'resource rules must supply at least one resource'));
    }
    return rule;
  });
}

function readSubjects(value: unknown, kind: RbacKind, causes: StatusCause[]): Subject[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > MAX_ITEMS) {
    causes.push(invalidValue('subjects', '', `must be a list of at most ${MAX_ITEMS} subjects`));
    return [];
  }
  return value.map((raw, i) => {
    const f = `subjects[${i}]`;
    const s = isObject(raw) ? raw : {};
    const text = (key: string) => (typeof s[key] === 'string' ? (s[key] as string) : '');
    const subject: Subject = { kind: text('kind'), name: text('name') };
    if (text('apiGroup')) subject.apiGroup = text('apiGroup');
    if (text('namespace')) subject.namespace = text('namespace');
    if (!subject.name) causes.push(requiredField(`${f}.name`));
    if (subject.kind === 'ServiceAccount') {
      if (subject.apiGroup) causes.push(invalidValue(`${f}.apiGroup`, subject.apiGroup, 'must be ""'));
      if (kind === 'ClusterRoleBinding' && !subject.namespace) causes.push(requiredField(`${f}.namespace`));
    } else if (subject.kind === 'User' || subject.kind === 'Group') {
      if (subject.apiGroup !== RBAC_GROUP)
        causes.push(invalidValue(`${f}.apiGroup`, subject.apiGroup ?? '', `must be "${RBAC_GROUP}"`));
    } else {
      causes.push({
        reason: 'FieldValueNotSupported',
        field: `${f}.kind`,
        message: `Unsupported value: ${JSON.stringify(subject.kind)}: supported values: "ServiceAccount", "User", "Group"`,
      });
    }
    return subject;
  });
}

function readRoleRef(value: unknown, kind: RbacKind, causes: StatusCause[]): RoleRef {
  const r = isObject(value) ? value : {};
  const text = (key: string) => (typeof r[key] === 'string' ? (r[key] as string) : '');
  const ref: RoleRef = { apiGroup: text('apiGroup'), kind: text('kind'), name: text('name') };
  if (ref.apiGroup !== RBAC_GROUP)
    causes.push(invalidValue('roleRef.apiGroup', ref.apiGroup, `must be "${RBAC_GROUP}"`));
  const kinds = kind === 'ClusterRoleBinding' ? ['ClusterRole'] : ['Role', 'ClusterRole'];
  if (!kinds.includes(ref.kind))
    causes.push({
      reason: 'FieldValueNotSupported',
      field: 'roleRef.kind',
      message: `Unsupported value: ${JSON.stringify(ref.kind)}: supported values: ${kinds.map((k) => `"${k}"`).join(', ')}`,
    });
  if (!ref.name) causes.push(requiredField('roleRef.name'));
  return ref;
}

export interface RbacInput {
  name: string;
  resourceVersion?: string;
  content: RbacContent;
}

/** Reads and validates a body of `kind` sent to `namespace` ('' for the cluster kinds); `urlName` for updates. */
export function readRbacObject(kind: RbacKind, body: Json, namespace: string, urlName?: string): RbacInput {
  if (body.kind !== undefined && body.kind !== kind)
    throw new BadRequestError(`the kind must be ${kind}, got ${JSON.stringify(body.kind)}`);
  if (body.apiVersion !== undefined && body.apiVersion !== RBAC_API_VERSION)
    throw new BadRequestError(`the apiVersion must be ${RBAC_API_VERSION}, got ${JSON.stringify(body.apiVersion)}`);
  const meta = isObject(body.metadata) ? body.metadata : {};
  if (meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== namespace) {
    throw new BadRequestError(
      namespace
        ? 'the namespace of the provided object does not match the namespace sent on the request'
        : `${kind} is cluster-scoped: metadata.namespace must be empty`,
    );
  }
  const name = typeof meta.name === 'string' ? meta.name : '';
  if (urlName !== undefined && name !== '' && name !== urlName)
    throw new BadRequestError('the name of the object does not match the name on the URL');
  const causes: StatusCause[] = [];
  const objectName = name || urlName || '';
  if (!objectName) causes.push(requiredField('metadata.name', 'name or generateName is required'));
  else if (objectName === '.' || objectName === '..' || /[/%]/.test(objectName) || objectName.length > 253)
    causes.push(
      invalidValue(
        'metadata.name',
        objectName,
        'may not be "." or "..", contain "/" or "%", or be longer than 253 characters',
      ),
    );
  const namespaced = kind === 'Role' || kind === 'RoleBinding';
  const content: RbacContent = {
    labels: stringMap(meta.labels, 'metadata.labels'),
    annotations: stringMap(meta.annotations, 'metadata.annotations'),
    rules: isRole(kind) ? readRules(body.rules, namespaced, causes) : null,
    aggregationRule: kind === 'ClusterRole' && isObject(body.aggregationRule) ? body.aggregationRule : null,
    subjects: isRole(kind) ? null : readSubjects(body.subjects, kind, causes),
    roleRef: isRole(kind) ? null : readRoleRef(body.roleRef, kind, causes),
  };
  if (causes.length > 0) throw new InvalidError(kind, RBAC_GROUP, objectName, causes);
  const resourceVersion =
    typeof meta.resourceVersion === 'string' && meta.resourceVersion ? meta.resourceVersion : undefined;
  return { name: objectName, resourceVersion, content };
}

/** The object a stored row stands for. */
export function toRbacObject(row: RbacRow): Json {
  const metadata: Json = {
    name: row.name,
    ...(row.namespace ? { namespace: row.namespace } : {}),
    uid: row.uid,
    resourceVersion: row.resourceVersion,
    creationTimestamp: new Date(row.created).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...(Object.keys(row.labels).length > 0 ? { labels: row.labels } : {}),
    ...(Object.keys(row.annotations).length > 0 ? { annotations: row.annotations } : {}),
  };
  const body: Json = { apiVersion: RBAC_API_VERSION, kind: row.kind, metadata };
  if (row.rules) body.rules = row.rules;
  if (row.aggregationRule) body.aggregationRule = row.aggregationRule;
  if (row.subjects) body.subjects = row.subjects;
  if (row.roleRef) body.roleRef = row.roleRef;
  return body;
}
