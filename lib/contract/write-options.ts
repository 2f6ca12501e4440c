import { forbiddenField, InvalidError, invalidValue, requiredField, type StatusCause } from '../errors.js';
import type { ApiRequest } from './api-types.js';

/** Kubernetes' limit on a field manager's name. */
const MAX_MANAGER_LENGTH = 128;

const OPTIONS_KIND: Record<string, string> = { POST: 'CreateOptions', PUT: 'UpdateOptions', PATCH: 'PatchOptions' };

export interface WriteOptions {
  /** A server-side apply (`PATCH` with `application/apply-patch+yaml`). */
  apply: boolean;
  /** Who writes, for metadata.managedFields: `fieldManager`, else the client program (User-Agent up to `/`). */
  manager: string;
  /** `force=true` on an apply: take fields other managers own instead of failing with a conflict. */
  force: boolean;
}

/** True for a server-side apply request. */
export const isApply = (req: Pick<ApiRequest, 'method' | 'headers'>) =>
  req.method === 'PATCH' && /^\s*application\/apply-patch\+yaml\b/i.test(req.headers['content-type'] ?? '');

/** Kubernetes' default manager: the User-Agent before its first `/`, printable characters only, at most 128. */
function managerFromUserAgent(agent: string | undefined): string {
  const printable = [...(agent ?? '').split('/')[0]!].filter((c) => !/\p{C}/u.test(c)).join('');
  return printable.slice(0, MAX_MANAGER_LENGTH);
}

/**
 * `fieldManager` and `force` of a write, checked as Kubernetes checks its Create/Update/PatchOptions: an apply needs
 * a fieldManager, force is only for apply, a manager name is printable and at most 128 characters (422 otherwise).
 */
export function readWriteOptions(req: Pick<ApiRequest, 'method' | 'headers' | 'query'>): WriteOptions {
  const apply = isApply(req);
  const given = req.query.fieldManager ?? '';
  const causes: StatusCause[] = [];
  if (given.length > MAX_MANAGER_LENGTH)
    causes.push(invalidValue('fieldManager', given, `must have at most ${MAX_MANAGER_LENGTH} bytes`));
  else if (/\p{C}/u.test(given))
    causes.push(invalidValue('fieldManager', given, 'must hold printable characters only'));
  const forceText = req.query.force;
  if (apply && given === '') causes.push(requiredField('fieldManager', 'is required for apply patch'));
  if (!apply && forceText !== undefined && req.method === 'PATCH')
    causes.push(forbiddenField('force', 'may not be specified for non-apply patch'));
  if (forceText !== undefined && !/^(1|t|T|true|TRUE|True|0|f|F|false|FALSE|False)$/.test(forceText))
    causes.push(invalidValue('force', forceText, 'must be true or false'));
  if (causes.length > 0) throw new InvalidError(OPTIONS_KIND[req.method] ?? 'PatchOptions', 'meta.k8s.io', '', causes);
  return {
    apply,
    manager: given || managerFromUserAgent(req.headers['user-agent']),
    force: forceText !== undefined && /^(1|t|T|true|TRUE|True)$/.test(forceText),
  };
}
