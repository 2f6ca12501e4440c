/**
 * Kubernetes name rules (RFC 1123) as Porch applies them (docs/porch-semantics.md §3.2). Each validator returns the
 * list of problems in Kubernetes' own wording (empty when the value is valid), so callers can put them into a 422
 * cause (`spec.workspaceName: Invalid value: "x": <messages joined by ", ">`).
 */

const DNS_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS_SUBDOMAIN_FMT = `${DNS_LABEL_FMT}(\\.${DNS_LABEL_FMT})*`;
const DNS_LABEL = new RegExp(`^${DNS_LABEL_FMT}$`);
const DNS_SUBDOMAIN = new RegExp(`^${DNS_SUBDOMAIN_FMT}$`);

export const DNS_LABEL_MAX = 63;
export const DNS_SUBDOMAIN_MAX = 253;

const maxLenError = (n: number) => `must be no more than ${n} characters`;

// Same construction as apimachinery's RegexError, including its "',  or '" spacing.
function regexError(msg: string, fmt: string, ...examples: string[]): string {
  const eg = examples.map((e, i) => `${i > 0 ? ' or ' : ''}'${e}', `).join('');
  return `${msg} (e.g. ${eg}regex used for validation is '${fmt}')`;
}

const DNS_LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

/** Problems with `value` as an RFC 1123 DNS label (Kubernetes `IsDNS1123Label`). */
export function dnsLabelErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS_LABEL_MAX) errs.push(maxLenError(DNS_LABEL_MAX));
  if (!DNS_LABEL.test(value)) {
    errs.push(
      DNS_SUBDOMAIN.test(value)
        ? 'must not contain dots'
        : regexError(DNS_LABEL_MSG, DNS_LABEL_FMT, 'my-name', '123-abc'),
    );
  }
  return errs;
}

/** Problems with `value` as an RFC 1123 DNS subdomain (Kubernetes `IsDNS1123Subdomain`). */
export function dnsSubdomainErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS_SUBDOMAIN_MAX) errs.push(maxLenError(DNS_SUBDOMAIN_MAX));
  if (!DNS_SUBDOMAIN.test(value)) errs.push(regexError(DNS_SUBDOMAIN_MSG, DNS_SUBDOMAIN_FMT, 'example.com'));
  return errs;
}

/** True when `value` is an RFC 1123 DNS label (≤ 63). */
export function isDnsLabel(value: string): boolean {
  return value.length <= DNS_LABEL_MAX && DNS_LABEL.test(value);
}

/** True when `value` is an RFC 1123 DNS subdomain (≤ 253). */
export function isDnsSubdomain(value: string): boolean {
  return value.length <= DNS_SUBDOMAIN_MAX && DNS_SUBDOMAIN.test(value);
}

/**
 * Problems with a package path found in git (docs/porch-semantics.md §3.2): DNS-label segments joined by single `/`,
 * of any total length; Porch lists such a package, and only its composed names must stay DNS subdomains.
 */
export function validateStoredPackagePath(path: string): string[] {
  const segments = path.split('/');
  if (path !== '' && segments.some((s) => s === '')) {
    return ["must not start or end with '/' or contain '//'"];
  }
  for (const segment of segments) {
    const errs = dnsLabelErrors(segment);
    if (errs.length > 0) return segments.length > 1 ? errs.map((e) => `path segment "${segment}": ${e}`) : errs;
  }
  return [];
}

/**
 * Problems with a package path given to create (docs/porch-semantics.md §3.2): a stored package path that is still a
 * DNS label (so ≤ 63 characters) with the slashes removed.
 */
export function validatePackagePath(path: string): string[] {
  const errs = validateStoredPackagePath(path);
  return errs.length ? errs : dnsLabelErrors(path.split('/').join(''));
}

/** Problems with a workspace name: an RFC 1123 DNS label. */
export function validateWorkspaceName(workspace: string): string[] {
  return dnsLabelErrors(workspace);
}

/** Problems with a composed package revision name: an RFC 1123 DNS subdomain (≤ 253). */
export function validatePackageRevisionName(name: string): string[] {
  return dnsSubdomainErrors(name);
}

const LABEL_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_NAME = new RegExp(`^${LABEL_NAME_FMT}$`);

/**
 * Problems with one metadata label (Kubernetes `ValidateLabels`): the key a qualified name (optional DNS-subdomain
 * prefix + `/` + name of ≤63), the value empty or a name of ≤63. Each problem as `[<shown value>, <message>]`.
 */
export function labelErrors(key: string, value: string): [string, string][] {
  const errs: [string, string][] = [];
  const slash = key.indexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  if (prefix !== undefined) {
    if (prefix === '') errs.push([key, 'prefix part must be non-empty']);
    else for (const e of dnsSubdomainErrors(prefix)) errs.push([key, `prefix part ${e}`]);
  }
  if (name === '') errs.push([key, 'name part must be non-empty']);
  else if (name.length > DNS_LABEL_MAX) errs.push([key, `name part ${maxLenError(DNS_LABEL_MAX)}`]);
  else if (!LABEL_NAME.test(name)) {
    errs.push([
      key,
      `name part ${regexError("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", LABEL_NAME_FMT, 'MyName', 'my.name', '123-abc')}`,
    ]);
  }
  if (value.length > DNS_LABEL_MAX) errs.push([value, maxLenError(DNS_LABEL_MAX)]);
  else if (value !== '' && !LABEL_NAME.test(value)) {
    errs.push([
      value,
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        `(${LABEL_NAME_FMT})?`,
        'MyValue',
        'my_value',
        '12345',
      ),
    ]);
  }
  return errs;
}
