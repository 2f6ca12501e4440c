import { createHash } from 'node:crypto';
import { definitionsOf, kindSchemas } from './openapi-schemas.js';
import { servedGroups, servedResources, versionOf } from './served-resources.js';
import { VERSION } from '../../api-groups.js';

const V3_PREFIX = '#/components/schemas/';
const V2_PREFIX = '#/definitions/';

type Doc = Record<string, unknown>;

const query = (name: string, description: string, type = 'string') => ({
  name,
  in: 'query',
  schema: { type },
  description,
});

const FIELD_VALIDATION = query(
  'fieldValidation',
  'Strict (default): unknown fields are a 400; Warn: they come back as warnings; Ignore',
);
const DRY_RUN = query(
  'dryRun',
  'All: run every check and computation and answer as the real call would, but store nothing, push nothing to git and start no sync. Any other value is refused.',
);
const FIELD_MANAGER = query(
  'fieldManager',
  'Who makes the change, recorded in metadata.managedFields; required for server-side apply. Default: the client program.',
);
const FORCE = query(
  'force',
  'Server-side apply only: take over fields another manager owns instead of failing with a conflict.',
  'boolean',
);
/** The query options of each write, as Kubernetes documents them on its own operations. */
const WRITE_PARAMETERS: Record<string, Doc[]> = {
  post: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION],
  put: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION],
  patch: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE],
  delete: [DRY_RUN],
};
const MERGE_PATCH = 'application/merge-patch+json';
/** Kinds that serve server-side apply (docs/dry-run-and-apply.md); the others take merge patches only. */
const APPLY_KINDS = new Set(['Repository', 'PackageRevision']);
const patchTypes = (kind: string) =>
  APPLY_KINDS.has(kind) ? [MERGE_PATCH, 'application/apply-patch+yaml'] : [MERGE_PATCH];

/** Path items of one group: list/create on the collection, get/replace/delete on an item, with the GVK. */
function pathsOf(group: string, v3: boolean): Doc {
  const paths: Doc = {};
  const prefix = v3 ? V3_PREFIX : V2_PREFIX;
  const version = versionOf(group);
  for (const res of servedResources.filter((r) => r.group === group && !r.name.includes('/'))) {
    const schema = kindSchemas.find((k) => k.kind === res.kind)!;
    const gvk = { group, version, kind: res.kind };
    const body = (id: string) =>
      v3
        ? { content: { 'application/json': { schema: { $ref: `${prefix}${id}` } } } }
        : { schema: { $ref: `${prefix}${id}` } };
    const op = (action: string, id: string, extra: Doc = {}) => ({
      operationId: `${action}${res.kind}`,
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
      responses: { '200': { description: 'OK', ...body(id) } },
      ...extra,
    });
    // Swagger 2.0 puts a parameter's type beside it; OpenAPI 3 in a schema.
    const params = (verb: string) =>
      WRITE_PARAMETERS[verb]!.map((p: Doc) =>
        v3
          ? p
          : { name: p.name, in: 'query', type: (p.schema as Doc).type, uniqueItems: true, description: p.description },
      );
    const requestBody = (verb: string) =>
      v3
        ? { requestBody: { required: true, ...body(schema.id) }, parameters: params(verb) }
        : {
            parameters: [
              { name: 'body', in: 'body', required: true, schema: { $ref: `${prefix}${schema.id}` } },
              ...params(verb),
            ],
          };
    const patchBody = v3
      ? {
          requestBody: {
            required: true,
            content: Object.fromEntries(patchTypes(res.kind).map((t) => [t, { schema: { type: 'object' } }])),
          },
          parameters: params('patch'),
        }
      : { consumes: patchTypes(res.kind), parameters: params('patch') };
    const scope = (res.namespaced ?? true) ? 'namespaces/{namespace}/' : '';
    const base = `/apis/${group}/${version}/${scope}${res.name}`;
    const collection: Doc = {};
    if (res.verbs.includes('list')) collection.get = op('list', `${schema.id}List`);
    if (res.verbs.includes('create')) collection.post = op('post', schema.id, requestBody('post'));
    const item: Doc = {};
    if (res.verbs.includes('get')) item.get = op('get', schema.id);
    if (res.verbs.includes('update')) item.put = op('put', schema.id, requestBody('put'));
    if (res.verbs.includes('delete')) item.delete = op('delete', schema.id, { parameters: params('delete') });
    // kubectl looks for a PATCH operation of the kind with a `fieldValidation` query parameter to learn that the
    // server validates fields itself; it then sends ?fieldValidation=Strict instead of needing the protobuf
    // OpenAPI v2 document for client-side validation.
    if (res.verbs.includes('patch')) item.patch = op('patch', schema.id, patchBody);
    paths[base] = collection;
    paths[`${base}/{name}`] = item;
    if (res.verbs.includes('list') && (res.namespaced ?? true))
      paths[`/apis/${group}/${version}/${res.name}`] = { get: op('list', `${schema.id}List`) };
  }
  return paths;
}

/** `GET /openapi/v3/apis/<group>/v1alpha1`: the group's OpenAPI 3.0 document. */
export function openapiV3(group: string): Doc {
  return {
    openapi: '3.0.0',
    info: { title: 'porch-serverless', version: versionOf(group) },
    paths: pathsOf(group, true),
    components: { schemas: definitionsOf(group, V3_PREFIX) },
  };
}

const hashOf = (doc: Doc) => createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();

/** `GET /openapi/v3`: where each group's document is, with a content hash clients cache by. */
export function openapiV3Index(): Doc {
  const paths: Doc = {};
  for (const group of servedGroups) {
    const path = `apis/${group}/${versionOf(group)}`;
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hashOf(openapiV3(group))}` };
  }
  return { paths };
}

/** `GET /openapi/v2`: one Swagger 2.0 document of every served kind (JSON; this server has no protobuf). */
export function openapiV2(): Doc {
  const paths: Doc = {};
  const definitions: Doc = {};
  for (const group of servedGroups) {
    Object.assign(paths, pathsOf(group, false));
    Object.assign(definitions, definitionsOf(group, V2_PREFIX));
  }
  return { swagger: '2.0', info: { title: 'porch-serverless', version: VERSION }, paths, definitions };
}

/** The group a `/openapi/v3/apis/<group>/<version>` or `/apis/<group>/<version>` path names. */
export function groupOfPath(path: string): string {
  const match = /\/apis\/([^/]+)\/[^/]+$/.exec(path);
  return match ? match[1] : '';
}
