import type { RequestAttributes } from './types.js';

/**
 * kube-apiserver's 403 text, word for word so that clients and people recognise it:
 * `<resource>.<group> "<name>" is forbidden: User "<u>" cannot <verb> resource "<res>[/<sub>]" in API group "<g>"
 * in the namespace "<ns>"`; without a name the quoted name is left out, without a namespace it ends with
 * `at the cluster scope`.
 */
export function forbiddenMessage(user: string, attrs: RequestAttributes): string {
  const groupResource = attrs.apiGroup ? `${attrs.resource}.${attrs.apiGroup}` : attrs.resource;
  const target = attrs.name ? `${groupResource} ${JSON.stringify(attrs.name)}` : groupResource;
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const scope = attrs.namespace ? `in the namespace ${JSON.stringify(attrs.namespace)}` : 'at the cluster scope';
  return `${target} is forbidden: User ${JSON.stringify(user)} cannot ${attrs.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(attrs.apiGroup)} ${scope}`;
}
