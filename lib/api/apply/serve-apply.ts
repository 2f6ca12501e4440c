/** Server-side apply and Update ownership for any kind (docs/dry-run-and-apply.md). */
import { objectBody, type ApiRequest, type ApiResult } from '../../contract/api-types.js';
import { readWriteOptions } from '../../contract/write-options.js';
import { BadRequestError, ConflictError, STALE_OBJECT } from '../../errors.js';
import { applyConfig, recordUpdate } from './managed-fields.js';
import { checkKnownFields } from '../discovery/known-fields.js';

type KubeObject = Record<string, any>;

/** What apply needs from a kind: read the live object, and the kind's own create and update of a full body. */
export interface ApplyTarget {
  /** The kind, whose OpenAPI schema the config is checked against. */
  kind: string;
  apiVersion: string;
  /** The resource of the route, e.g. `repositories`: an apply that creates is authorized as `create` on it. */
  resource: string;
  /** The object as GET answers it, or undefined when there is none. */
  read(): Promise<KubeObject | undefined>;
  create(body: KubeObject): Promise<unknown>;
  update(body: KubeObject): Promise<unknown>;
  /** Refuses a config that cannot create the object at this URL (e.g. a computed name that differs). */
  checkNew?(config: KubeObject): void;
}

const withManagedFields = (obj: KubeObject, managedFields: unknown[] | undefined): KubeObject => {
  const metadata = { ...(obj.metadata ?? {}) };
  if (managedFields === undefined) delete metadata.managedFields;
  else metadata.managedFields = managedFields;
  return { ...obj, metadata };
};

/**
 * The body a create, replace or merge patch stores: `next` with metadata.managedFields where the writer's Update
 * entry owns what it changed. `live` is undefined on create.
 */
export function withUpdateEntry(req: ApiRequest, apiVersion: string, live: KubeObject | undefined, next: KubeObject) {
  const { manager } = readWriteOptions(req);
  const given = live === undefined ? undefined : next.metadata?.managedFields;
  const entries = recordUpdate(live, next, given, { manager, apiVersion, now: new Date() });
  return withManagedFields(next, entries);
}

/**
 * An apply that creates the object needs `create` as well as the route's `patch`, as Kubernetes requires (a caller
 * who may only patch must not bring objects into existence); the same evaluation and 403 as the request's check.
 */
function requireCreate(req: ApiRequest, target: ApplyTarget) {
  return req.access.require({
    verb: 'create',
    apiGroup: target.apiVersion.split('/')[0]!,
    resource: target.resource,
    subresource: '',
    namespace: req.params.namespace ?? '',
    name: req.params.name ?? '',
  });
}

/** Another writer changed or created the object between our read and our write: reading again resolves it. */
const lostRace = (err: unknown) =>
  err instanceof ConflictError && (err.message.endsWith(STALE_OBJECT) || err.message.endsWith('already exists'));

const ATTEMPTS = 3;

/**
 * PATCH with `application/apply-patch+yaml`: creates the object from the config when it does not exist (201),
 * otherwise merges the config into it (200), with managedFields and conflicts as Kubernetes keeps them.
 */
export async function serveApply(req: ApiRequest, target: ApplyTarget): Promise<ApiResult> {
  const { manager, force } = readWriteOptions(req);
  const config = objectBody(req);
  if ((config.metadata as KubeObject | undefined)?.managedFields !== undefined) {
    throw new BadRequestError('metadata.managedFields must be nil');
  }
  if (typeof config.apiVersion !== 'string' || typeof config.kind !== 'string') {
    throw new BadRequestError('an apply patch must set apiVersion and kind');
  }
  checkKnownFields(target.kind, config, req.query.fieldValidation);
  const named = (config.metadata as KubeObject | undefined)?.name;
  if (typeof named === 'string' && named !== '' && named !== req.params.name) {
    throw new BadRequestError(
      `the name of the object (${named}) does not match the name on the URL (${req.params.name})`,
    );
  }
  config.metadata = { ...(config.metadata as KubeObject | undefined), name: req.params.name };
  for (let attempt = 1; ; attempt++) {
    const live = await target.read();
    const merged = applyConfig(live, config, force, { manager, apiVersion: target.apiVersion, now: new Date() });
    const body = withManagedFields(merged.object as KubeObject, merged.managedFields);
    try {
      if (!live) {
        await requireCreate(req, target);
        target.checkNew?.(body);
        return { status: 201, body: await target.create(body) };
      }
      body.metadata.resourceVersion = live.metadata?.resourceVersion;
      return { status: 200, body: await target.update(body) };
    } catch (err) {
      if (attempt < ATTEMPTS && lostRace(err)) continue;
      throw err;
    }
  }
}
