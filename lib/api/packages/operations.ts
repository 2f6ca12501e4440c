import { ignoringBody, type ApiRequest, type ApiResult, type Operations } from '../../contract/api-types.js';
import { parseListParams } from '../../contract/list-params.js';
import { listOrTable, objectOrTable } from '../../contract/table.js';
import { MethodNotAllowedError, NotFoundError } from '../../errors.js';
import { getPackage, listPackages } from '../../storage/packages.js';
import { refs } from '../../storage/types.js';
import { changeLogHorizon } from '../../storage/change-log.js';
import { watchOperation } from '../watch/watch-operation.js';
import { PACKAGE_API_VERSION, packageColumns, toPackageObject } from './package-object.js';

const notSupported = (action: string) =>
  ignoringBody(async (): Promise<ApiResult> => {
    throw new MethodNotAllowedError(`${action} is not supported on resources of kind "packages.porch.kpt.dev"`);
  });

async function list(req: ApiRequest): Promise<ApiResult> {
  const params = parseListParams(req.query);
  const resourceVersion = await changeLogHorizon(req.db);
  const page = await listPackages(req.db, { namespace: req.params.namespace, ...params });
  const body = {
    apiVersion: PACKAGE_API_VERSION,
    kind: 'PorchPackageList',
    metadata: { resourceVersion, ...(page.continue ? { continue: page.continue } : {}) },
    items: page.items.map(toPackageObject),
  };
  return { status: 200, body: listOrTable(req.headers, req.query, packageColumns, body) };
}

async function get(req: ApiRequest): Promise<ApiResult> {
  const row = await getPackage(req.db, req.params.namespace, req.params.name);
  if (!row) throw new NotFoundError(refs.package(req.params.name));
  return { status: 200, body: objectOrTable(req.headers, req.query, packageColumns, toPackageObject(row)) };
}

/** The packages function: read-only; writes answer 405 with Porch's texts (docs/porch-semantics.md §11.2). */
export const packageOperations: Operations = {
  list,
  watch: watchOperation('packages'),
  get,
  create: notSupported('create or clone a PackageRevision resource to create a package as direct package creation'),
  update: notSupported('update a PackageRevision resource to update a package as direct package update'),
  delete: notSupported(
    'delete all PackageRevisions resources of a package to delete a package as direct package deletion',
  ),
};
