import { ApiError } from '../errors.js';

/** The options object Kubernetes validates `dryRun` in, by verb (it names it in the error). */
const OPTIONS_KIND: Record<string, string> = {
  POST: 'CreateOptions',
  PUT: 'UpdateOptions',
  PATCH: 'PatchOptions',
  DELETE: 'DeleteOptions',
};

/** Go's `%#v` of a []string, as Kubernetes prints an unsupported dryRun list. */
const goStrings = (values: string[]) => `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`;

/**
 * Whether a write is a dry run (docs/dry-run-and-apply.md): `dryRun` in the query (every write verb), or in a
 * DELETE body's DeleteOptions, which is where `kubectl delete --dry-run=server` puts it. `All` is the only value
 * Kubernetes defines; any other is a 400 with Kubernetes' wording, and nothing runs.
 */
export function readDryRun(method: string, rawQuery: string | undefined, body: unknown): boolean {
  const kind = OPTIONS_KIND[method];
  if (!kind) return false;
  const values = new URLSearchParams(rawQuery ?? '').getAll('dryRun');
  if (method === 'DELETE' && body && typeof body === 'object' && !Array.isArray(body)) {
    const inBody = (body as { dryRun?: unknown }).dryRun;
    if (Array.isArray(inBody)) values.push(...inBody.map(String));
    else if (inBody !== undefined && inBody !== null) values.push(String(inBody));
  }
  if (values.length === 0) return false;
  const unsupported = values.filter((v) => v !== 'All');
  if (unsupported.length > 0) {
    const message = `Unsupported value: ${goStrings(values)}: supported values: "All"`;
    throw new ApiError(400, 'BadRequest', `${kind}.meta.k8s.io "" is invalid: dryRun: ${message}`, {
      group: 'meta.k8s.io',
      kind,
      causes: [{ reason: 'FieldValueNotSupported', field: 'dryRun', message }],
    });
  }
  return true;
}
