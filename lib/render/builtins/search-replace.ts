/**
 * search-replace (docs/render.md): finds fields by path (`a.*.c`, `a.**.c`, `a.b[1].c`, `a.b[*].c`), value or
 * value regex (matching the whole value) and file, and sets their value or line comment (`${1}` capture groups
 * resolved), as the catalog's function does; an absolute path with a value and no matcher creates the field.
 */
import { isMap, isScalar, isSeq, Scalar, type Node } from 'yaml';
import type { FunctionIO, FunctionOutput, KrmItem, ResultItem } from '../types.js';
import { configData, done, error, mapAt, setScalarText, stringMap } from './kube-object.js';

const MATCHERS = ['by-value', 'by-value-regex', 'by-path', 'put-value', 'put-comment', 'by-file-path'];

type Token = { key: string } | { index: string };

function tokens(path: string): Token[] {
  const out: Token[] = [];
  for (const part of path.split('.').filter(Boolean)) {
    const m = /^([^[]*)((?:\[[^\]]*\])*)$/.exec(part);
    if (!m) return [{ key: part }];
    if (m[1]) out.push({ key: m[1] });
    for (const idx of m[2]!.match(/\[[^\]]*\]/g) ?? []) out.push({ index: idx.slice(1, -1) });
  }
  return out;
}

/** Whether a walked path matches a pattern: `*` one key, `[*]` one index, `**` any number of segments. */
function pathMatches(pattern: Token[], path: Token[]): boolean {
  if (pattern.length === 0) return path.length === 0;
  const [head, ...rest] = pattern;
  if ('key' in head! && head.key === '**') {
    return Array.from({ length: path.length + 1 }, (_, i) => i).some((i) => pathMatches(rest, path.slice(i)));
  }
  const [first, ...others] = path;
  if (!first) return false;
  const ok =
    'key' in head!
      ? 'key' in first && (head.key === '*' || head.key === first.key)
      : 'index' in first && (head.index === '*' || head.index === first.index);
  return ok && pathMatches(rest, others);
}

const globRegex = (glob: string) =>
  new RegExp(
    `^${glob
      .split('**')
      .map((p) =>
        p
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '[^/]*')
          .replace(/\?/g, '[^/]'),
      )
      .join('.*')}$`,
  );

class Search {
  count = 0;
  found: { file?: string; field: string; value: string }[] = [];
  readonly regex?: RegExp;
  readonly pattern?: Token[];
  constructor(readonly c: Record<string, string>) {
    if (c['by-value-regex']) this.regex = new RegExp(`^(?:${c['by-value-regex']})$`);
    if (c['by-path']) this.pattern = tokens(c['by-path']);
  }

  private resolve(value: string, template: string): string {
    if (!this.regex) return template;
    const groups = this.regex.exec(value) ?? [];
    const out = groups.slice(1).reduce((t, g, i) => t.replaceAll(`\${${i + 1}}`, g ?? ''), template);
    if (/\$\{[0-9]+\}/.test(out)) throw new Error('unable to resolve capture groups');
    return out;
  }

  private matches(value: string, path: Token[]): boolean {
    const byPath = this.pattern ? pathMatches(this.pattern, path) : false;
    const byValue = (this.c['by-value'] !== undefined && this.c['by-value'] === value) || !!this.regex?.test(value);
    const valueGiven = this.c['by-value'] !== undefined || this.regex;
    return (byValue && byPath) || (byValue && !this.pattern) || (byPath && !valueGiven);
  }

  walk(node: Node | null | undefined, path: Token[], file?: string): void {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        const child = [...path, { key }];
        if (this.c['put-comment'] && isSeq(pair.value) && this.pattern && pathMatches(this.pattern, child)) {
          (pair.key as Scalar).comment = ` ${this.c['put-comment']}`;
          this.count++;
          const value = JSON.stringify(pair.value.toJSON()).replace(/"/g, '').replace(/,/g, ', ');
          this.found.push({ file, field: `${this.c['by-path']} # ${this.c['put-comment']}`, value });
        }
        this.walk(pair.value as Node, child, file);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        this.walk(item as Node, [...path, { index: String(i) }], file);
      });
    } else if (isScalar(node)) {
      const value = node.value === null ? '' : String(node.source ?? node.value);
      if (!this.matches(value, path)) return;
      this.count++;
      if (this.c['put-comment']) node.comment = ` ${this.resolve(value, this.c['put-comment'])}`;
      if (this.c['put-value']) {
        setScalarText(node, this.resolve(value, this.c['put-value']));
      }
      const field = path
        .map((t) => ('key' in t ? `.${t.key}` : `[${t.index}]`))
        .join('')
        .replace(/^\./, '');
      this.found.push({ file, field, value: String(node.value) });
    }
  }
}

/** kpt's rule for creating the field: a path without wildcards or indexes, a value and no value matcher. */
const createsField = (c: Record<string, string>) =>
  !!c['by-path'] && !/[*[]/.test(c['by-path']) && !c['by-value'] && !c['by-value-regex'] && !!c['put-value'];

function searchItem(s: Search, item: KrmItem, c: Record<string, string>): void {
  if (c['by-file-path'] && !globRegex(c['by-file-path']).test(item.path ?? '')) return;
  if (!createsField(c)) {
    s.walk(item.doc.contents as Node, [], item.path);
    return;
  }
  const path = c['by-path']!.split('.');
  const parent = mapAt(item.doc, item.doc.contents as Node, path.slice(0, -1), true);
  if (parent) {
    const node = new Scalar('');
    setScalarText(node, c['put-value']!);
    parent.set(path.at(-1)!, node);
  }
  s.count++;
  s.found.push({ file: item.path, field: c['by-path']!, value: c['put-value']! });
}

export async function searchReplace(input: FunctionIO): Promise<FunctionOutput> {
  const c = stringMap(configData(input).data);
  const bad = Object.keys(c).find((k) => !MATCHERS.includes(k));
  const fail = (why: string) =>
    done(input.items, [error(`failed to perform search-replace operation: ${JSON.stringify(why)}`)]);
  if (bad) return fail(`invalid matcher "${bad}", must be one of ["${MATCHERS.join('" "')}"]`);
  if (c['by-value'] && c['by-value-regex']) return fail('only one of ["by-value" "by-value-regex"] can be provided');
  try {
    const s = new Search(c);
    for (const item of input.items) searchItem(s, item, c);
    if (s.found.length === 0) return done(input.items, [{ message: 'no matches' }]);
    const verb = c['put-value'] || c['put-comment'] ? 'Mutated field value to' : 'Matched field value';
    const results: ResultItem[] = s.found.map((f) => ({
      message: `${verb} ${JSON.stringify(f.value)}`,
      field: { path: f.field },
      file: { ...(f.file !== undefined ? { path: f.file } : {}) },
    }));
    return done(input.items, results);
  } catch (err) {
    return fail((err as Error).message);
  }
}
