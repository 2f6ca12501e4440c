/**
 * kube-apiserver's static token file (`--token-auth-file`), read by the local server from TOKEN_AUTH_FILE: one
 * user per line, `token,user,uid[,"group1,group2"]`; groups beyond one must be in double quotes.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Identity } from '../rbac/types.js';
import { AUTHENTICATED_GROUP } from './identity-settings.js';

export interface TokenEntry {
  token: string;
  identity: Identity;
}

const MAX_LINES = 10_000;

/** Splits one CSV line; a field in double quotes may hold commas, and `""` inside it is a quote. */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') field += line[++i];
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  if (quoted) throw new Error('unterminated quote');
  fields.push(field);
  return fields.map((f) => f.trim());
}

/** Parses the file's text; a bad line is an error naming its number, so a typo fails at start, not at login. */
export function parseTokenFile(text: string, where: string): TokenEntry[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > MAX_LINES) throw new Error(`${where}: more than ${MAX_LINES} lines`);
  const entries: TokenEntry[] = [];
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    let fields: string[];
    try {
      fields = csvFields(line);
    } catch (err) {
      throw new Error(`${where} line ${i + 1}: ${(err as Error).message}`);
    }
    const [token = '', user = '', uid = '', ...rest] = fields;
    if (!token || !user || !uid) throw new Error(`${where} line ${i + 1}: needs token,user,uid[,"groups"]`);
    if (entries.some((e) => e.token === token)) throw new Error(`${where} line ${i + 1}: token used twice`);
    const groups = rest
      .flatMap((g) => g.split(','))
      .map((g) => g.trim())
      .filter(Boolean);
    entries.push({ token, identity: { user, uid, groups: [...new Set([...groups, AUTHENTICATED_GROUP])] } });
  }
  return entries;
}

/** Constant-time comparison of a presented token with a known one. */
export function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The entry whose token is `given`; every entry is compared, so timing does not tell which one matched. */
export function findToken(entries: TokenEntry[], given: string): Identity | undefined {
  let found: Identity | undefined;
  for (const entry of entries) if (sameToken(given, entry.token)) found = entry.identity;
  return found;
}
