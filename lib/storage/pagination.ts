/**
 * Keyset pagination: a page ends at the (namespace, name) of its last item, and the next page starts after it.
 * The `continue` token is that key as base64url JSON: opaque to clients, the same cost at any depth.
 */
import { BadRequestError } from '../errors.js';

export const DEFAULT_LIMIT = 500;
export const MAX_LIMIT = 500;

export interface Key {
  namespace: string;
  name: string;
}

/** The page size asked for, clamped to 1…500 (absent or 0 = 500). */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit) || limit <= 0) return DEFAULT_LIMIT;
  return Math.min(Math.floor(limit), MAX_LIMIT);
}

/** Encodes the key after which the next page starts. */
export function encodeContinue(key: Key): string {
  return Buffer.from(JSON.stringify([key.namespace, key.name]), 'utf8').toString('base64url');
}

/** Decodes a `continue` token; a token this service did not produce is a 400. */
export function decodeContinue(token: string): Key {
  const bad = () => new BadRequestError(`invalid continue token: "${token.slice(0, 100)}"`);
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || !parsed.every((v) => typeof v === 'string')) throw bad();
  return { namespace: parsed[0], name: parsed[1] };
}

/** A response size bound: a page ends before the item that would take it past `maxBytes` (docs/limits.md). */
export interface ByteBudget<T> {
  maxBytes: number;
  /** Bytes the item adds to the response (an estimate from what is in hand, never from reading more). */
  sizeOf: (row: T) => number;
}

/** Bytes of a row as JSON: close to what its API object adds to a response. */
export const jsonBytes = (row: unknown) => Buffer.byteLength(JSON.stringify(row), 'utf8');

/**
 * Builds a page from `limit + 1` fetched rows: the extra row only says that another page exists. With a budget the
 * page also stops at `maxBytes` (always keeping its first item, so every page makes progress), and the `continue`
 * token points after its last item, as Kubernetes allows a server to return fewer items than `limit`.
 */
export function toPage<T extends Key>(
  rows: T[],
  limit: number,
  budget?: ByteBudget<T>,
): { items: T[]; continue?: string } {
  let end = Math.min(rows.length, limit);
  if (budget) {
    let total = 0;
    for (let i = 0; i < end; i++) {
      total += budget.sizeOf(rows[i]!);
      if (total > budget.maxBytes && i > 0) {
        end = i;
        break;
      }
    }
  }
  if (end === rows.length) return { items: rows };
  const items = rows.slice(0, end);
  return { items, continue: encodeContinue(items[items.length - 1]!) };
}

/** The budget of a list of plain rows, or none when the caller set no `maxBytes`. */
export function rowBudget<T>(maxBytes: number | undefined): ByteBudget<T> | undefined {
  return maxBytes === undefined ? undefined : { maxBytes, sizeOf: jsonBytes };
}
