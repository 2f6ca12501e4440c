import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const files = ['lib', 'functions', 'infra', 'test'].flatMap(sourceFiles);
const text = (file: string) => readFileSync(join(root, file), 'utf8');

/** The section numbers a markdown file defines through its headings (`## 7.` → 7, `### 7.4 …` → 7.4). */
function sectionsOf(doc: string): Set<string> {
  const numbers = [...text(doc).matchAll(/^#{2,4} (\d+(?:\.\d+)*)\.? /gm)].map((m) => m[1]!);
  return new Set(numbers);
}

describe('rule citations in code', () => {
  it('cite only docs/ of this repository, by a file that exists', () => {
    const outside = files
      .filter((f) => !f.endsWith('doc-references.test.ts'))
      .flatMap((file) =>
        text(file)
          .split('\n')
          .filter((line) => /(?<![\w/])(API\.md|porch-behaviour\.md|db-cache-design)|\.\.\/shared/.test(line))
          .map((line) => `${file}: ${line.trim()}`),
      );
    expect(outside).toEqual([]);
    const cited = new Set(files.flatMap((file) => [...text(file).matchAll(/docs\/([\w-]+\.md)/g)].map((m) => m[1]!)));
    expect([...cited].filter((doc) => !existsSync(join(root, 'docs', doc)))).toEqual([]);
  });

  it('name a section of docs/porch-semantics.md that exists, and never a bare section sign', () => {
    const sections = sectionsOf('docs/porch-semantics.md');
    const broken: string[] = [];
    for (const file of files.filter((f) => !f.endsWith('doc-references.test.ts'))) {
      const source = text(file);
      for (const m of source.matchAll(/\u00a7(\d+(?:\.\d+)*)/g)) {
        // A list such as "§7.4, §7.5" names the file once; a wrapped comment may split file and number.
        const before = source.slice(Math.max(0, m.index - 160), m.index);
        if (!before.includes('docs/porch-semantics.md')) broken.push(`${file}: bare \u00a7${m[1]}`);
        if (!sections.has(m[1]!)) broken.push(`${file}: \u00a7${m[1]} is not a section of docs/porch-semantics.md`);
      }
    }
    expect(broken).toEqual([]);
  });
});
