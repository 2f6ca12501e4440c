/**
 * Escalation prevention (docs/access-control.md "Escalation"): as in Kubernetes, a caller may create or change a
 * role, or bind one, only if it holds every permission in it itself (or has the `escalate` / `bind` verb). A
 * servant rule is broken into single (group, resource, verb, name) permissions; each must be covered by one owner
 * rule, where the servant's `*` is covered only by the owner's `*`.
 */
import type { PolicyRule } from './types.js';

const ALL = '*';

const hasAll = (set: string[] | undefined, wanted: string[]) => wanted.every((w) => (set ?? []).includes(w));

function resourcesCovered(owner: string[] | undefined, wanted: string[]): boolean {
  if ((owner ?? []).includes(ALL)) return true;
  return wanted.every((resource) => {
    if ((owner ?? []).includes(resource)) return true;
    const slash = resource.indexOf('/');
    return slash >= 0 && (owner ?? []).includes(`*${resource.slice(slash)}`);
  });
}

function ruleCovers(owner: PolicyRule, servant: PolicyRule): boolean {
  const ownerNames = owner.resourceNames ?? [];
  const servantNames = servant.resourceNames ?? [];
  const names =
    servantNames.length === 0 ? ownerNames.length === 0 : ownerNames.length === 0 || hasAll(ownerNames, servantNames);
  return (
    (owner.verbs.includes(ALL) || hasAll(owner.verbs, servant.verbs)) &&
    ((owner.apiGroups ?? []).includes(ALL) || hasAll(owner.apiGroups, servant.apiGroups ?? [])) &&
    resourcesCovered(owner.resources, servant.resources ?? []) &&
    ((owner.nonResourceURLs ?? []).includes(ALL) || hasAll(owner.nonResourceURLs, servant.nonResourceURLs ?? [])) &&
    names
  );
}

/** Single-permission rules of one rule (one verb, group, resource or URL, name each). */
function breakDown(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  const names = (rule.resourceNames ?? []).length > 0 ? (rule.resourceNames ?? []).map((n) => [n]) : [[]];
  for (const group of rule.apiGroups ?? [])
    for (const resource of rule.resources ?? [])
      for (const verb of rule.verbs)
        for (const resourceNames of names)
          out.push({ verbs: [verb], apiGroups: [group], resources: [resource], resourceNames });
  for (const url of rule.nonResourceURLs ?? [])
    for (const verb of rule.verbs) out.push({ verbs: [verb], nonResourceURLs: [url] });
  return out;
}

/** The single permissions of `servant` that no rule of `owner` covers (empty: owner holds all of servant). */
export function uncoveredRules(owner: PolicyRule[], servant: PolicyRule[]): PolicyRule[] {
  return servant.flatMap(breakDown).filter((single) => !owner.some((o) => ruleCovers(o, single)));
}
