/**
 * Kubernetes label selectors (`a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, `a>1`, `a<1`),
 * parsed into an AST; invalid selectors throw BadRequestError naming the problem. Storage evaluates the AST in SQL.
 */
import { BadRequestError } from '../errors.js';
import { dnsSubdomainErrors } from '../validation.js';

export type LabelOperator = 'exists' | '!' | '=' | '!=' | 'in' | 'notin' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  /** One value for =, !=, gt, lt; the set for in/notin; none for exists and !. */
  values: string[];
}

/** Requirements are ANDed. */
export interface LabelSelector {
  requirements: LabelRequirement[];
}

type Token = { kind: 'id' | 'op' | 'end'; text: string };

const SPECIAL = /[!=<>(),\s]/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) i++;
    else if (c === '!' || c === '=') {
      const two = text.slice(i, i + 2);
      const op = two === '!=' || two === '==' ? two : c;
      tokens.push({ kind: 'op', text: op });
      i += op.length;
    } else if ('<>(),'.includes(c)) {
      tokens.push({ kind: 'op', text: c });
      i++;
    } else {
      let j = i;
      while (j < text.length && !SPECIAL.test(text[j]!)) j++;
      tokens.push({ kind: 'id', text: text.slice(i, j) });
      i = j;
    }
  }
  tokens.push({ kind: 'end', text: '' });
  return tokens;
}

const NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const NAME = new RegExp(`^${NAME_FMT}$`);
const VALUE_FMT = `(${NAME_FMT})?`;

function validateKey(key: string): void {
  const slash = key.indexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  let why: string | undefined;
  if (prefix !== undefined && (prefix === '' || dnsSubdomainErrors(prefix).length)) {
    why = `prefix part ${prefix === '' ? 'must be non-empty' : dnsSubdomainErrors(prefix)[0]}`;
  } else if (name === '') why = 'name part must be non-empty';
  else if (name.length > 63) why = 'name part must be no more than 63 characters';
  else if (!NAME.test(name)) {
    why = `name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '${NAME_FMT}')`;
  }
  if (why) throw new BadRequestError(`unable to parse requirement: key: Invalid value: "${key}": ${why}`);
}

function validateValue(key: string, value: string, index: number): void {
  if (value === '' || (value.length <= 63 && NAME.test(value))) return;
  const why =
    value.length > 63
      ? 'must be no more than 63 characters'
      : `a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '${VALUE_FMT}')`;
  throw new BadRequestError(`unable to parse requirement: values[${index}][${key}]: Invalid value: "${value}": ${why}`);
}

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.at]!;
  }
  private next(): Token {
    return this.tokens[this.at++]!;
  }
  private fail(found: Token, expected: string): never {
    const what = found.kind === 'end' ? 'end of string' : `'${found.text}'`;
    throw new BadRequestError(`unable to parse requirement: found ${what}, expected: ${expected}`);
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    if (this.peek().kind === 'end') return requirements;
    for (;;) {
      requirements.push(this.requirement());
      const t = this.next();
      if (t.kind === 'end') return requirements;
      if (t.text !== ',') this.fail(t, "',' or end of string");
    }
  }

  private key(): string {
    const t = this.next();
    if (t.kind !== 'id') this.fail(t, 'identifier');
    validateKey(t.text);
    return t.text;
  }

  private requirement(): LabelRequirement {
    if (this.peek().text === '!' && this.peek().kind === 'op') {
      this.next();
      return { key: this.key(), operator: '!', values: [] };
    }
    const key = this.key();
    const t = this.peek();
    if (t.kind === 'end' || t.text === ',') return { key, operator: 'exists', values: [] };
    this.next();
    if (t.kind === 'id' && (t.text === 'in' || t.text === 'notin')) {
      return { key, operator: t.text, values: this.set(key) };
    }
    const ops: Record<string, LabelOperator> = { '=': '=', '==': '=', '!=': '!=', '>': 'gt', '<': 'lt' };
    const operator = t.kind === 'op' ? ops[t.text] : undefined;
    if (!operator) this.fail(t, "'=', '!=', '==', 'in', 'notin', '>' or '<'");
    const v = this.peek();
    const value = v.kind === 'id' ? (this.next(), v.text) : '';
    if (v.kind === 'op' && v.text !== ',') this.fail(v, 'identifier');
    if ((operator === 'gt' || operator === 'lt') && !/^-?[0-9]+$/.test(value)) {
      throw new BadRequestError(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`);
    }
    validateValue(key, value, 0);
    return { key, operator, values: [value] };
  }

  private set(key: string): string[] {
    const open = this.next();
    if (open.text !== '(') this.fail(open, "'('");
    const values: string[] = [];
    for (;;) {
      const t = this.peek();
      const value = t.kind === 'id' ? (this.next(), t.text) : '';
      validateValue(key, value, values.length);
      values.push(value);
      const sep = this.next();
      if (sep.text === ')') return values;
      if (sep.text !== ',') this.fail(sep, "',' or ')'");
    }
  }
}

/** Parses a label selector; an empty text selects everything. */
export function parseLabelSelector(text: string | undefined): LabelSelector {
  return { requirements: new Parser(tokenize(text ?? '')).parse() };
}
