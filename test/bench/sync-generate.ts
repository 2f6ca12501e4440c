/**
 * Generates the sync benchmark's repository with `git fast-import` (seconds, not minutes): P packages under
 * `pkgs/`, R commits on main each changing every package, and a lightweight tag `pkgs/pNNNN/v<r>` per package and
 * commit. `appendRevisions` adds one commit changing `count` packages with their next tag.
 */
import { spawn } from 'node:child_process';

const kptfile = (name: string) =>
  `apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: ${name}\n  annotations:\n    config.kubernetes.io/local-config: "true"\ninfo:\n  description: ${name} package\n`;
const configMap = (name: string, r: number) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  revision: "${r}"\n  payload: "${'x'.repeat(200)}"\n`;
export const pkgName = (i: number) => `p${String(i).padStart(4, '0')}`;

function fastImport(bareDir: string, stream: string): Promise<void> {
  return new Promise((ok, fail) => {
    const child = spawn('git', ['fast-import', '--quiet', '--force'], {
      cwd: bareDir,
      stdio: ['pipe', 'inherit', 'inherit'],
    });
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`git fast-import exited ${code}`))));
    child.stdin.end(stream);
  });
}

const data = (s: string) => `data ${Buffer.byteLength(s)}\n${s}\n`;
const who = (t: number) => `Bench <bench@example.com> ${t} +0000`;

function commit(lines: string[], mark: number, message: string, t: number, parent?: string) {
  lines.push(
    'commit refs/heads/main',
    `mark :${mark}`,
    `author ${who(t)}`,
    `committer ${who(t)}`,
    data(message).trimEnd(),
  );
  if (parent) lines.push(`from ${parent}`);
}

/** Writes packages × revisions into the bare repository `bareDir` (already `git init --bare`). */
export async function generateRepository(bareDir: string, packages: number, revisions: number): Promise<void> {
  const lines: string[] = [];
  for (let r = 1; r <= revisions; r++) {
    commit(lines, r, `revision ${r} of every package`, 1_700_000_000 + r, r > 1 ? `:${r - 1}` : undefined);
    for (let i = 0; i < packages; i++) {
      const p = pkgName(i);
      if (r === 1) {
        lines.push(`M 100644 inline pkgs/${p}/Kptfile`, data(kptfile(p)).trimEnd());
        lines.push(`M 100644 inline pkgs/${p}/README.md`, data(`# ${p}\n`).trimEnd());
      }
      lines.push(`M 100644 inline pkgs/${p}/cm.yaml`, data(configMap(p, r)).trimEnd());
    }
    lines.push('');
    for (let i = 0; i < packages; i++) lines.push(`reset refs/tags/pkgs/${pkgName(i)}/v${r}`, `from :${r}`, '');
  }
  await fastImport(bareDir, lines.join('\n') + '\n');
}

/** One more commit on main changing packages 0..count-1, each tagged with revision `revision`. */
export async function appendRevisions(bareDir: string, count: number, revision: number): Promise<void> {
  const lines: string[] = [];
  commit(lines, 1, `revision ${revision} of ${count} packages`, 1_800_000_000 + revision, 'refs/heads/main^0');
  for (let i = 0; i < count; i++)
    lines.push(`M 100644 inline pkgs/${pkgName(i)}/cm.yaml`, data(configMap(pkgName(i), revision)).trimEnd());
  lines.push('');
  for (let i = 0; i < count; i++) lines.push(`reset refs/tags/pkgs/${pkgName(i)}/v${revision}`, 'from :1', '');
  await fastImport(bareDir, lines.join('\n') + '\n');
}
