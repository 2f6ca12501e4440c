/**
 * Does one policy rule allow one request? Kubernetes' matching (docs/access-control.md "Evaluation"): `*` in
 * verbs, apiGroups and resources matches anything, `*` + `/sub` matches that subresource of any resource, and a rule
 * with resourceNames applies only to requests naming one of them (so never to list or create).
 */
import type { PolicyRule, RequestAttributes } from './types.js';

const ALL = '*';

export const verbMatches = (rule: PolicyRule, verb: string) => rule.verbs.includes(ALL) || rule.verbs.includes(verb);

export const apiGroupMatches = (rule: PolicyRule, group: string) =>
  (rule.apiGroups ?? []).includes(ALL) || (rule.apiGroups ?? []).includes(group);

export function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  for (const ruleResource of rule.resources ?? []) {
    if (ruleResource === ALL || ruleResource === combined) return true;
    if (subresource && ruleResource === `*/${subresource}`) return true;
  }
  return false;
}

export const resourceNameMatches = (rule: PolicyRule, name: string) =>
  (rule.resourceNames ?? []).length === 0 || (rule.resourceNames ?? []).includes(name);

/** True when `rule` allows the resource request `attrs`. */
export function ruleAllows(rule: PolicyRule, attrs: RequestAttributes): boolean {
  return (
    verbMatches(rule, attrs.verb) &&
    apiGroupMatches(rule, attrs.apiGroup) &&
    resourceMatches(rule, attrs.resource, attrs.subresource) &&
    resourceNameMatches(rule, attrs.name)
  );
}
