/** Lower-cases header names and drops undefined values; API Gateway already joins repeated headers with commas. */
export function normaliseHeaders(headers: Record<string, string | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    out[key] = key in out ? `${out[key]},${value}` : value;
  }
  return out;
}

/** Parses a raw query string; the first value of a repeated key wins (Kubernetes list options are single-valued). */
export function parseQuery(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(raw ?? '')) {
    if (!(key in out)) out[key] = value;
  }
  return out;
}
