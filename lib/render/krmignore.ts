/**
 * `.krmignore` (docs/render.md): gitignore-style patterns, relative to the package directory, naming files that are
 * not read as resources. Supported: `#` comments, `!` negation, a leading `/` (anchored), a trailing `/`
 * (directories), `*`, `?` and `**`.
 */

interface Rule {
  negate: boolean;
  regex: RegExp;
}

function toRegex(pattern: string): RegExp {
  const dirOnly = pattern.endsWith('/');
  let body = dirOnly ? pattern.slice(0, -1) : pattern;
  const anchored = body.startsWith('/') || body.includes('/');
  body = body.replace(/^\//, '');
  let re = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '*' && body[i + 1] === '*') {
      re += body[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += body[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // A pattern names a file or a directory; a directory match covers everything below it.
  const tail = dirOnly ? '/.*' : '(?:/.*)?';
  return new RegExp(`^${anchored ? '' : '(?:.*/)?'}${re}${tail}$`);
}

/** A predicate telling whether a path (relative to the package) is ignored; no file = nothing ignored. */
export function ignoreMatcher(text: string | undefined): (path: string) => boolean {
  const rules: Rule[] = (text ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => ({ negate: line.startsWith('!'), regex: toRegex(line.replace(/^!/, '')) }));
  if (!rules.length) return () => false;
  return (path) => rules.reduce((ignored, rule) => (rule.regex.test(path) ? !rule.negate : ignored), false);
}
