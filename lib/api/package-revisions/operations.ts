/** The package-revision operations of the route table: ApiRequest in, ApiResult out, the work done by services. */
import { objectBody, checkingBodies, type ApiRequest, type Operations } from '../../contract/api-types.js';
import { cloneTaskSecrets, requireSecretsAccess } from '../rbac/secret-access.js';
import { parseListParams } from '../../contract/list-params.js';
import { checkBodyFields, checkKnownFields } from '../discovery/known-fields.js';
import { listOrTable, objectOrTable } from '../../contract/table.js';
import { measurePublish } from '../../metrics.js';
import { approveRevision } from './approve.js';
import { createRevision } from './create.js';
import { deleteRevision } from './delete.js';
import { mergePatch } from '../../contract/merge-patch.js';
import { getRevision, listRevisions } from './read.js';
import { revisionColumns } from './table.js';
import { toPackageRevisionList } from './to-object.js';
import { updateRevision } from './update.js';
import { serveApply, withUpdateEntry } from '../apply/serve-apply.js';
import { refuseApply } from '../apply/refuse-apply.js';
import { isApply } from '../../contract/write-options.js';
import { BadRequestError, NotFoundError } from '../../errors.js';
import { packageRevisionName } from '../../names.js';
import { API_VERSION } from './refs.js';
import { changeLogHorizon } from '../../storage/change-log.js';
import { watchOperation } from '../watch/watch-operation.js';

const ns = (req: ApiRequest) => req.params.namespace;

/** PATCH: a JSON merge patch over the current object, type-checked as a PUT body is, then the same path as PUT. */
async function patched(req: ApiRequest) {
  const current = await getRevision(req.db, ns(req)!, req.params.name!);
  const merged = mergePatch(current, req.body) as Record<string, unknown>;
  checkKnownFields('PackageRevision', merged, req.query.fieldValidation);
  return { current, merged };
}

/** The revision as GET answers it, or undefined. */
async function readObject(req: ApiRequest) {
  try {
    return await getRevision(req.db, ns(req)!, req.params.name!);
  } catch (err) {
    if (err instanceof NotFoundError) return undefined;
    throw err;
  }
}

/** A revision's name is computed from its spec (docs/porch-semantics.md §3.1): an apply that creates one must name it so. */
function checkComputedName(req: ApiRequest, config: Record<string, any>) {
  const spec = config.spec ?? {};
  const computed = packageRevisionName(String(spec.repository), String(spec.packageName), String(spec.workspaceName));
  if (computed !== req.params.name) {
    throw new BadRequestError(
      `the name of the object (${computed}) does not match the name on the URL (${req.params.name})`,
    );
  }
}

const update = (req: ApiRequest, body: unknown) =>
  updateRevision(req.db, ns(req)!, req.params.name!, body, req.caller.user);

/** Creates a revision; a clone task naming a secret needs `get` on it (docs/access-control.md "Credentials"). */
async function createChecked(req: ApiRequest, body: Record<string, unknown>) {
  await requireSecretsAccess(req.access, ns(req) ?? '', cloneTaskSecrets(body));
  return createRevision(req.db, ns(req), body, req.caller.user);
}

export const packageRevisionOperations: Operations = checkingBodies(
  {
    async list(req) {
      const params = parseListParams(req.query);
      const version = await changeLogHorizon(req.db);
      const page = await listRevisions(req.db, { ...params, namespace: ns(req) });
      const list = toPackageRevisionList(page.items, page.continue, version);
      return { status: 200, body: listOrTable(req.headers, req.query, revisionColumns, list) };
    },
    watch: watchOperation('packagerevisions'),
    async get(req) {
      const item = await getRevision(req.db, ns(req)!, req.params.name!);
      return { status: 200, body: objectOrTable(req.headers, req.query, revisionColumns, item) };
    },
    async create(req) {
      const body = withUpdateEntry(req, API_VERSION, undefined, objectBody(req));
      return { status: 201, body: await createChecked(req, body) };
    },
    async update(req) {
      const live = await readObject(req);
      return {
        status: 200,
        body: await update(req, withUpdateEntry(req, API_VERSION, live, objectBody(req))),
      };
    },
    async patch(req) {
      if (isApply(req)) {
        return serveApply(req, {
          kind: 'PackageRevision',
          apiVersion: API_VERSION,
          resource: 'packagerevisions',
          read: () => readObject(req),
          create: (body) => createChecked(req, body),
          update: (body) => update(req, body),
          checkNew: (config) => checkComputedName(req, config),
        });
      }
      const { current, merged } = await patched(req);
      return { status: 200, body: await update(req, withUpdateEntry(req, API_VERSION, current, merged)) };
    },
  },
  checkBodyFields,
);

/** Runs an approval; one asking for Published is measured (lib/metrics.ts). */
function approve(req: ApiRequest, body: unknown) {
  const startedAt = new Date();
  const publishing =
    !req.dryRun && (body as { spec?: { lifecycle?: unknown } } | undefined)?.spec?.lifecycle === 'Published';
  return measurePublish(publishing, () =>
    approveRevision(req.db, ns(req)!, req.params.name!, body, req.caller.user, startedAt),
  );
}

export const approvalOperations: Operations = checkingBodies(
  {
    async approve(req) {
      return { status: 200, body: await approve(req, req.body) };
    },
    async patch(req) {
      refuseApply(req, 'the approval subresource');
      const { merged: body } = await patched(req);
      return { status: 200, body: await approve(req, body) };
    },
    async delete(req) {
      return { status: 200, body: await deleteRevision(req.db, ns(req)!, req.params.name!, req.caller.user) };
    },
  },
  checkBodyFields,
);
