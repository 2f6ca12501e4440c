/**
 * The self-reviews (docs/access-control.md "kubectl"): `kubectl auth can-i` posts a SelfSubjectAccessReview
 * (`--list`: a SelfSubjectRulesReview), `kubectl auth whoami` a SelfSubjectReview. Each answers about the caller
 * only, so every authenticated caller may ask.
 */
import { objectBody, type ApiRequest, type ApiResult, type Operations } from '../../contract/api-types.js';
import { BadRequestError } from '../../errors.js';
import { BASIC_USER_RULES, DISCOVERY_URLS, isDiscoveryPath } from '../../rbac/basic-user.js';
import { ruleAllows } from '../../rbac/rule-match.js';
import type { PolicyRule, RequestAttributes } from '../../rbac/types.js';

type Json = Record<string, any>;
const text = (v: unknown) => (typeof v === 'string' ? v : '');

function reviewAttributes(spec: Json): RequestAttributes | undefined {
  const r = spec.resourceAttributes;
  if (!r || typeof r !== 'object') return undefined;
  return {
    verb: text(r.verb),
    apiGroup: text(r.group),
    resource: text(r.resource),
    subresource: text(r.subresource),
    namespace: text(r.namespace),
    name: text(r.name),
  };
}

async function accessReview(req: ApiRequest): Promise<ApiResult> {
  const body = objectBody(req) as Json;
  const spec = (body.spec ?? {}) as Json;
  const attrs = reviewAttributes(spec);
  let allowed: boolean;
  if (attrs) {
    allowed = BASIC_USER_RULES.some((rule) => ruleAllows(rule, attrs)) || (await req.access.allows(attrs));
  } else if (spec.nonResourceAttributes && typeof spec.nonResourceAttributes === 'object') {
    const { path, verb } = spec.nonResourceAttributes as Json;
    allowed = req.access.isAdmin || (text(verb) === 'get' && isDiscoveryPath(text(path)));
  } else {
    throw new BadRequestError('spec: exactly one of resourceAttributes or nonResourceAttributes must be set');
  }
  const status = allowed
    ? { allowed, ...(req.access.isAdmin ? { reason: 'member of the bootstrap admin group' } : {}) }
    : { allowed };
  return {
    status: 201,
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      metadata: { creationTimestamp: null },
      spec,
      status,
    },
  };
}

const resourceRule = (r: PolicyRule) => ({
  verbs: r.verbs,
  ...(r.apiGroups ? { apiGroups: r.apiGroups } : {}),
  ...(r.resources ? { resources: r.resources } : {}),
  ...(r.resourceNames?.length ? { resourceNames: r.resourceNames } : {}),
});

async function rulesReview(req: ApiRequest): Promise<ApiResult> {
  const body = objectBody(req) as Json;
  const namespace = text((body.spec ?? {}).namespace);
  const held = req.access.isAdmin
    ? [
        { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
        { verbs: ['*'], nonResourceURLs: ['*'] },
      ]
    : await req.access.rulesIn(namespace);
  const all = [...BASIC_USER_RULES, ...held, { verbs: ['get'], nonResourceURLs: DISCOVERY_URLS }];
  return {
    status: 201,
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectRulesReview',
      metadata: { creationTimestamp: null },
      spec: { namespace },
      status: {
        resourceRules: all.filter((r) => (r.nonResourceURLs ?? []).length === 0).map(resourceRule),
        nonResourceRules: all
          .filter((r) => (r.nonResourceURLs ?? []).length > 0)
          .map((r) => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs })),
        incomplete: false,
      },
    },
  };
}

async function whoAmI(req: ApiRequest): Promise<ApiResult> {
  const { user, groups, uid } = req.caller;
  return {
    status: 201,
    body: {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
      metadata: { creationTimestamp: null },
      status: { userInfo: { username: user, ...(uid ? { uid } : {}), groups } },
    },
  };
}

export const reviewOperations: Operations = { accessReview, rulesReview, whoAmI };
