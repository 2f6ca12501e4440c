/**
 * apply-setters (docs/render.md): a field whose line comment is `# kpt-set: <pattern>` gets the pattern with each
 * `${setter}` replaced by the value the config gives (setters the config does not give keep their current value);
 * a list whose key carries the comment is replaced by the list the setter holds. As the catalog's function does.
 */
import { isMap, isScalar, isSeq, parseDocument, type Scalar, type Node, type YAMLSeq } from 'yaml';
import type { FunctionIO, FunctionOutput, ResultItem } from '../types.js';
import { configData, done, error, setScalarText, stringMap } from './kube-object.js';

const SETTER = /\$\{([^}]*)\}/g;

const patternOf = (comment: string | null | undefined) => {
  const first = comment?.split('\n')[0] ?? '';
  return first.startsWith(' kpt-set: ') ? first.slice(' kpt-set: '.length).trim() : '';
};

const names = (pattern: string) => [...pattern.matchAll(SETTER)].map((m) => m[1]!.trim());

/** The values the setters of `pattern` have in `value` now (the pattern read as a regular expression). */
function currentValues(pattern: string, value: string): Record<string, string> {
  const parts = pattern.split(SETTER);
  const regex = parts.map((p, i) => (i % 2 ? '(.*)' : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  const m = new RegExp(`^${regex}$`).exec(value);
  if (!m) return {};
  const out: Record<string, string> = {};
  names(pattern).forEach((n, i) => {
    out[n] = m[i + 1]!;
  });
  return out;
}

class Walker {
  results: { file?: string; field: string; value: string }[] = [];
  constructor(
    readonly setters: Record<string, string>,
    readonly file: string | undefined,
  ) {}

  private uses(pattern: string) {
    return names(pattern).some((n) => Object.hasOwn(this.setters, n));
  }

  scalar(node: Scalar, path: string): void {
    const pattern = patternOf(node.comment);
    if (!pattern || !this.uses(pattern)) return;
    const current = currentValues(pattern, String(node.value ?? ''));
    const value = pattern.replace(
      SETTER,
      (whole, name: string) => this.setters[name.trim()] ?? current[name.trim()] ?? whole,
    );
    const missing = value.match(SETTER);
    if (missing) throw new Error(`values for setters [${missing.join(' ')}] must be provided`);
    setScalarText(node, value);
    this.results.push({ file: this.file, field: path.replace(/^\./, ''), value });
  }

  list(key: Scalar, seq: YAMLSeq, path: string): void {
    const pattern = patternOf(seq.flow ? seq.comment : key.comment);
    if (!pattern || !this.uses(pattern)) return;
    const all = names(pattern);
    if (all.length !== 1 || !pattern.startsWith('${') || !pattern.endsWith('}')) {
      throw new Error(`invalid setter pattern for array node: ${JSON.stringify(pattern)}`);
    }
    const value = this.setters[all[0]!] ?? '';
    const field = `${path}.${String(key.value)}`.replace(/^\./, '');
    if (value === '') {
      seq.items = [];
      seq.flow = true;
    } else {
      const parsed = parseDocument(value);
      if (parsed.errors.length || !isSeq(parsed.contents)) {
        throw new Error(`input to array setter must be an array of values, but found ${JSON.stringify(value)}`);
      }
      seq.items = (parsed.contents as YAMLSeq).items;
      seq.flow = false;
      if (seq.comment && !key.comment) key.comment = seq.comment;
      seq.comment = undefined;
    }
    this.results.push({ file: this.file, field, value });
  }

  walk(node: Node | null | undefined, path: string): void {
    if (isMap(node)) {
      for (const pair of node.items) {
        const child = `${path}.${isScalar(pair.key) ? String(pair.key.value) : ''}`;
        if (isSeq(pair.value) && isScalar(pair.key)) this.list(pair.key, pair.value as YAMLSeq, path);
        this.walk(pair.value as Node, child);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        this.walk(item as Node, `${path}[${i}]`);
      });
    } else if (isScalar(node)) this.scalar(node, path);
  }
}

export async function applySetters(input: FunctionIO): Promise<FunctionOutput> {
  const setters = stringMap(configData(input).data);
  const results: ResultItem[] = [];
  try {
    for (const item of input.items) {
      const walker = new Walker(setters, item.path);
      walker.walk(item.doc.contents as Node, '');
      for (const r of walker.results) {
        results.push({
          message: `set field value to ${JSON.stringify(r.value)}`,
          field: { path: r.field },
          file: { ...(r.file !== undefined ? { path: r.file } : {}) },
        });
      }
    }
  } catch (err) {
    return done(input.items, [error(`failed to apply setters: ${(err as Error).message}`)]);
  }
  return done(input.items, results.length ? results : [{ message: 'no matches for input setter(s)' }]);
}
