import YAML from 'yaml';
import { BadRequestError, PayloadTooLargeError } from '../errors.js';

/** The event body's bytes, refusing more than `limit` bytes before anything parses them. */
export function bodyBytes(body: string | undefined, isBase64: boolean | undefined, limit: number): Buffer | undefined {
  if (body === undefined || body === null || body === '') return undefined;
  const bytes = isBase64 ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
  if (bytes.length > limit) throw new PayloadTooLargeError(limit);
  return bytes;
}

/** Decodes the event body to text, refusing one larger than `limit` bytes before anything parses it. */
export function decodeBody(body: string | undefined, isBase64: boolean | undefined, limit: number): string | undefined {
  const bytes = bodyBytes(body, isBase64, limit);
  if (bytes === undefined) return undefined;
  return isBase64 ? bytes.toString('utf8') : (body as string);
}

const isYaml = (contentType: string) => /\b(yaml|x-yaml)\b/i.test(contentType);
const isJson = (contentType: string) => /\bjson\b/i.test(contentType);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BadRequestError(`request body is not valid JSON: ${(err as Error).message}; send one JSON object`);
  }
}

function parseYaml(text: string): unknown {
  const docs = YAML.parseAllDocuments(text, { prettyErrors: true });
  if (!Array.isArray(docs) || docs.length !== 1) {
    throw new BadRequestError('request body must hold exactly one YAML document');
  }
  const [doc] = docs;
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const where = first.linePos?.[0] ? ` at line ${first.linePos[0].line}, column ${first.linePos[0].col}` : '';
    throw new BadRequestError(`request body is not valid YAML${where}: ${first.message.split('\n')[0]}`);
  }
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // The alias limit (a "billion laughs" body) and other conversion failures are the client's problem.
    throw new BadRequestError(`request body is not valid YAML: ${(err as Error).message}`);
  }
}

/**
 * Refuses a value nested deeper than `maxDepth`, walking without recursion: code after the parser (merge patch,
 * field checks, YAML output) recurses, and a 10,000-deep body would overflow its stack.
 */
export function checkDepth(value: unknown, maxDepth: number): void {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > maxDepth) {
      throw new BadRequestError(`request body is nested more than ${maxDepth} levels deep; flatten it`);
    }
    for (const child of Object.values(node))
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
}

/**
 * Parses a request body by its Content-Type: JSON (also merge-patch/strategic-merge types), YAML, or — without a
 * usable type — JSON when it looks like JSON and YAML otherwise. Refuses nesting deeper than `maxDepth`.
 */
export function parseBody(text: string | undefined, contentType: string | undefined, maxDepth: number): unknown {
  if (text === undefined) return undefined;
  const type = contentType ?? '';
  const body = isYaml(type)
    ? parseYaml(text)
    : isJson(type) || /^\s*[[{]/.test(text)
      ? parseJson(text)
      : parseYaml(text);
  checkDepth(body, maxDepth);
  return body;
}

/** Refuses a body that is missing or not a single object, for verbs that carry one. */
export function requireObjectBody(body: unknown): Record<string, unknown> {
  if (body === undefined) throw new BadRequestError('request body is required: send the object as JSON or YAML');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestError('request body must be a single JSON or YAML object');
  }
  return body as Record<string, unknown>;
}
