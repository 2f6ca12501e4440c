/**
 * Generates, with `git fast-import`, a repository the size and shape of kptdev/kpt as Porch sees it with `directory:
 * package-examples` (measured from the public repository; none of its content): ~3,000 commits and ~100,000
 * objects, a ~70 MB pack whose bulk is binary assets that come and go (kpt's history carried a documentation site),
 * ~1,900 files (~9 MB) at the head outside the packages, 10 packages under `package-examples/` with kpt's spread of
 * files per package (1 to 49; one ~400 KB, the others a few KB), 36 `package-examples/<pkg>/<version>` tags spread
 * over the history (which Porch reads) and ~160 release tags (which it does not). Text is pseudo-random words and
 * assets pseudo-random bytes, deterministic, so they compress like the real thing rather than like a repeated byte.
 */
import { spawn } from 'node:child_process';

const COMMITS = 3000;
const SOURCE_FILES = 1800;
const SOURCE_DIRS = 60;
/** Source files each commit edits: with the trees along their paths, ~34 objects per commit as in kpt. */
const EDITS_PER_COMMIT = 12;
/** One binary asset is replaced every ASSET_EVERY commits, in ASSET_SLOTS rotating places. */
const ASSET_EVERY = 15;
const ASSET_SLOTS = 10;
const ASSET_BYTES = 80_000;
/** Files per package and their mean size in bytes: the spread of kpt's package-examples at its head. */
const PACKAGES: [name: string, files: number, meanBytes: number][] = [
  ['_template', 1, 1200],
  ['cert-manager-basic', 49, 8300],
  ['ghost', 19, 640],
  ['guestbook', 10, 2200],
  ['ingress-nginx', 22, 800],
  ['kustomize', 12, 900],
  ['nginx', 3, 660],
  ['tenant', 7, 640],
  ['wordpress-with-dependencies', 6, 840],
  ['wordpress', 7, 840],
];
/** Package tags: package → number of versions (kpt tags nginx and wordpress ten times, others once or twice). */
const TAGGED: [name: string, versions: number][] = [
  ['nginx', 10],
  ['wordpress', 10],
  ['ghost', 2],
  ['cert-manager-basic', 1],
  ['ingress-nginx', 1],
  ['kustomize', 1],
  ['guestbook', 2],
  ['tenant', 3],
  ['wordpress-with-dependencies', 3],
  ['_template', 3],
];
const RELEASE_TAGS = 160;
const WORDS =
  'apiVersion kind metadata name namespace spec containers image port labels selector func return error nil if else for range package import struct string int ctx the a of to and in is that kpt porch function render resource config value'.split(
    ' ',
  );

/** A small deterministic generator (mulberry32), so every run builds the same repository. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function text(rand: () => number, bytes: number): string {
  const lines: string[] = [];
  let size = 0;
  while (size < bytes) {
    const n = 3 + Math.floor(rand() * 9);
    const line = `${'  '.repeat(Math.floor(rand() * 3))}${Array.from({ length: n }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ')}`;
    lines.push(line);
    size += line.length + 1;
  }
  return `${lines.join('\n')}\n`;
}

const data = (s: string | Buffer) => [Buffer.from(`data ${Buffer.byteLength(s)}\n`), Buffer.from(s), Buffer.from('\n')];

function bytes(rand: () => number, size: number): Buffer {
  const out = Buffer.allocUnsafe(size - (size % 4));
  for (let i = 0; i < out.length; i += 4) out.writeUInt32LE(Math.floor(rand() * 4294967296), i);
  return out;
}

/** Changes one line of a file, as most commits do. */
function edit(rand: () => number, content: string, commit: number): string {
  const lines = content.split('\n');
  lines[Math.floor(rand() * (lines.length - 1))] = `// change ${commit} ${text(rand, 30).trim()}`;
  return lines.join('\n');
}

/** Writes the repository into `bareDir` (already `git init --bare`); answers the number of package tags. */
export async function generateKptShapedRepository(bareDir: string): Promise<number> {
  const rand = random(42);
  const files = new Map<string, string | Buffer>();
  const out: Buffer[] = [];
  const line = (...parts: string[]) => out.push(Buffer.from(`${parts.join('\n')}\n`));
  const sourcePath = (i: number) => `pkg/area${i % 20}/sub${i % SOURCE_DIRS}/file${i}.${i % 5 === 0 ? 'md' : 'go'}`;
  for (let i = 0; i < SOURCE_FILES; i++) files.set(sourcePath(i), text(rand, 1000 + rand() * 8000));
  // Packages appear one after another over the first half of the history, as kpt's did.
  const born = new Map(PACKAGES.map(([name], i) => [name, Math.floor((COMMITS / 2) * (i / PACKAGES.length)) + 1]));
  const tagAt = new Map<number, string[]>();
  for (const [name, versions] of TAGGED) {
    const start = born.get(name)!;
    for (let v = 0; v < versions; v++) {
      const at = start + Math.floor(((COMMITS - start) * (v + 1)) / (versions + 1));
      tagAt.set(at, [...(tagAt.get(at) ?? []), `package-examples/${name}/v0.${v + 1}`]);
    }
  }
  let tags = 0;
  for (let c = 1; c <= COMMITS; c++) {
    const changed: string[] = [];
    if (c === 1) changed.push(...files.keys());
    for (const [name, count, mean] of PACKAGES) {
      if (born.get(name) !== c) continue;
      files.set(
        `package-examples/${name}/Kptfile`,
        `apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: ${name}\n`,
      );
      for (let f = 1; f < count; f++) {
        const path = `package-examples/${name}/resource-${f}.yaml`;
        files.set(path, text(rand, mean * (0.5 + rand())));
        changed.push(path);
      }
      changed.push(`package-examples/${name}/Kptfile`);
    }
    const tagged = tagAt.get(c) ?? [];
    for (const tag of tagged) {
      const path = `${tag.split('/').slice(0, 2).join('/')}/resource-1.yaml`;
      if (files.has(path)) {
        files.set(path, edit(rand, files.get(path) as string, c));
        changed.push(path);
      }
    }
    for (let k = 0; k < EDITS_PER_COMMIT && c > 1; k++) {
      const path = sourcePath(Math.floor(rand() * SOURCE_FILES));
      files.set(path, edit(rand, files.get(path) as string, c));
      changed.push(path);
    }
    if (c % ASSET_EVERY === 0) {
      const path = `site/static/images/asset-${(c / ASSET_EVERY) % ASSET_SLOTS}.png`;
      files.set(path, bytes(rand, ASSET_BYTES * (0.6 + rand() * 0.8)));
      changed.push(path);
    }
    const when = `Bench <bench@example.com> ${1_600_000_000 + c * 3600} +0000`;
    line('commit refs/heads/main', `mark :${c}`, `author ${when}`, `committer ${when}`);
    out.push(...data(`change ${c}\n`));
    if (c > 1) line(`from :${c - 1}`);
    for (const path of new Set(changed)) {
      line(`M 100644 inline ${path}`);
      out.push(...data(files.get(path)!));
    }
    line('');
    for (const tag of tagged) line(`reset refs/tags/${tag}`, `from :${c}`, '');
    tags += tagged.length;
    if (c % Math.floor(COMMITS / RELEASE_TAGS) === 0) line(`reset refs/tags/v0.${c}.0`, `from :${c}`, '');
  }
  await new Promise<void>((ok, fail) => {
    const child = spawn('git', ['fast-import', '--quiet', '--force'], {
      cwd: bareDir,
      stdio: ['pipe', 'inherit', 'inherit'],
    });
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`git fast-import exited ${code}`))));
    child.stdin.end(Buffer.concat(out));
  });
  return tags;
}
