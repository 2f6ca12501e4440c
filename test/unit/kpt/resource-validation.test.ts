import { describe, expect, it } from 'vitest';
import { ResourceError } from '../../../lib/kpt/errors.js';
import {
  decodeText,
  MAX_PATH_LENGTH,
  resourcePathProblem,
  responseTextBytes,
  resourceProblems,
  validateResourcePath,
  validateResources,
} from '../../../lib/kpt/resource-validation.js';

const UNSAFE_PATHS: [string, string][] = [
  ['', 'empty'],
  ['/etc/passwd', 'absolute'],
  ['../outside.yaml', '".."'],
  ['a/../../b', '".."'],
  ['a/..', '".."'],
  ['./a.yaml', '"."'],
  ['a/./b', '"."'],
  ['.', '"."'],
  ['..', '".."'],
  ['a\0b', 'NUL'],
  ['a\\b.yaml', 'backslash'],
  ['dir/', 'ends with "/"'],
  ['a//b', 'empty segment'],
  ['x'.repeat(MAX_PATH_LENGTH + 1), 'longer than 4096'],
  ['.git/config', '".git"'],
  ['.GIT/hooks/post-checkout', '".git"'],
  ['a/.Git/x', '".git"'],
  ['.git', '".git"'],
  ['.git./x', '".git"'],
  ['.git /x', '".git"'],
  ['.git::$INDEX_ALLOCATION/x', '".git"'],
  ['GIT~1/config', '".git"'],
  ['.g\u200cit/config', '".git"'],
  ['a\tb.yaml', 'control character'],
  ['a\nb.yaml', 'control character'],
  ['a\x7fb.yaml', 'control character'],
  ['x\x1b[31m.yaml', 'control character'],
];

const SAFE_PATHS = [
  'Kptfile',
  'README.md',
  'sub/dir/file.yaml',
  '.gitignore',
  'a/.hidden/b',
  '...',
  'a/..b/c..',
  'ünïcödé/файл.yaml',
  'with space.yaml',
  'x'.repeat(MAX_PATH_LENGTH),
  'é'.repeat(MAX_PATH_LENGTH),
  '.gitmodules',
  '.github/workflows/ci.yaml',
  'a/.gitkeep',
  'git~2',
  'x.git',
];

describe('validateResourcePath', () => {
  it.each(UNSAFE_PATHS)('refuses %j (%s) with a 422 naming the path', (path, problem) => {
    let caught: unknown;
    try {
      validateResourcePath(path);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ResourceError);
    const error = caught as ResourceError;
    expect(error.code).toBe(422);
    expect(error.reason).toBe('Invalid');
    expect(error.message).toContain(problem);
    expect(error.message).toContain(JSON.stringify(path.slice(0, 200)).slice(0, -1));
    expect(error.message.length).toBeLessThan(400);
    expect(error.path).toBe(path);
  });

  it.each(SAFE_PATHS.map((p) => [p]))('accepts %j', (path) => {
    expect(resourcePathProblem(path)).toBeUndefined();
    expect(() => validateResourcePath(path)).not.toThrow();
  });
});

describe('validateResources', () => {
  const kptfile = 'apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: x\n';

  it('accepts a package with a root Kptfile', () => {
    expect(() => validateResources({ Kptfile: kptfile, 'a/b.yaml': 'a: 1\n' })).not.toThrow();
  });

  it.each([
    ['no root Kptfile', { 'sub/Kptfile': kptfile }, 'no Kptfile at its root'],
    ['an unsafe path', { Kptfile: kptfile, '../x': '' }, '".."'],
    ['non-string content', { Kptfile: kptfile, 'a.yaml': 3 }, 'must be a string'],
    ['NUL content', { Kptfile: kptfile, 'bin.dat': 'a\0b' }, 'NUL byte'],
    ['a lone surrogate', { Kptfile: kptfile, 'a.txt': 'x\uD800y' }, 'not valid Unicode'],
    ['an array', [kptfile], 'map of file path'],
    ['null', null, 'map of file path'],
  ])('refuses %s', (_, files, problem) => {
    expect(() => validateResources(files)).toThrow(ResourceError);
    expect(() => validateResources(files)).toThrow(problem);
  });

  it('enforces the size and count limits, counting bytes as a Lambda response carries them', () => {
    const limits = { maxFileBytes: 10, maxTotalBytes: 70, maxFiles: 3 };
    expect(() => validateResources({ Kptfile: 'é'.repeat(5) }, limits)).not.toThrow();
    expect(() => validateResources({ Kptfile: 'é'.repeat(6) }, limits)).toThrow('12 bytes in a response; at most 10');
    // Escaped twice (body, then payload): a newline takes 3 bytes, a quote 4, another control character 7.
    expect(() => validateResources({ Kptfile: '\n\n"' }, limits)).not.toThrow();
    expect(() => validateResources({ Kptfile: '\u0001\n' }, limits)).not.toThrow();
    expect(() => validateResources({ Kptfile: '\u0001\u0001' }, limits)).toThrow('14 bytes in a response; at most 10');
    expect(() => validateResources({ Kptfile: '"""' }, limits)).toThrow('12 bytes in a response; at most 10');
    // Paths count too, each file with its escaped quotes, colon and comma: 7+9+10, 1+9+10, 1+9+10 = 66.
    const three = { Kptfile: 'k'.repeat(9), a: 'a'.repeat(9), b: 'b'.repeat(9) };
    expect(() => validateResources(three, limits)).not.toThrow();
    expect(() => validateResources(three, { ...limits, maxTotalBytes: 65 })).toThrow(
      '66 bytes in a response; at most 65',
    );
    expect(() => validateResources({ Kptfile: '', a: '', b: '', c: '' }, limits)).toThrow('4 files; at most 3');
  });

  it('counts text as JSON.stringify escapes it twice (the body, then the Lambda payload)', () => {
    const controls = Array.from({ length: 32 }, (_, c) => String.fromCharCode(c)).join('');
    for (const text of ['', 'plain', 'é€😀', '"quoted" \\ back', controls, '\u007f\u2028']) {
      expect(responseTextBytes(text)).toBe(Buffer.byteLength(JSON.stringify(JSON.stringify(text))) - 6);
    }
  });

  it('names every problem, including a file that is also a directory', () => {
    const problems = resourceProblems({ Kptfile: kptfile, '.git/config': '', a: '', 'a/b': '', 'c\u0001': '' });
    expect(problems.map((p) => p.path)).toEqual(['.git/config', 'a/b', 'c\u0001']);
  });
});

describe('decodeText', () => {
  it('accepts UTF-8 text and refuses NUL bytes and invalid UTF-8', () => {
    expect(decodeText(new TextEncoder().encode('héllo\n'))).toBe('héllo\n');
    expect(decodeText(new Uint8Array([0x61, 0x00, 0x62]))).toBeUndefined();
    expect(decodeText(new Uint8Array([0xff, 0xfe, 0x41]))).toBeUndefined();
    expect(decodeText(new Uint8Array([]))).toBe('');
  });

  it('keeps a leading byte-order mark', () => {
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]))).toBe('\ufeffa');
  });
});
