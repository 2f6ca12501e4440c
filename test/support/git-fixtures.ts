/**
 * Builds git repositories in Porch's layout with the plain git CLI, so tests compare what lib/git reads and writes
 * with what real git says. A fixture is a work tree (where commits are made) plus a bare repository (what the git
 * server serves); `push()` mirrors the work tree's refs into the bare repository.
 */
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Environment that makes the CLI ignore the machine's git configuration and sign commits predictably. */
export const gitEnv: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: tmpdir(),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Fixture Author',
  GIT_AUTHOR_EMAIL: 'fixture@example.com',
  GIT_COMMITTER_NAME: 'Fixture Author',
  GIT_COMMITTER_EMAIL: 'fixture@example.com',
  LANG: 'C',
};

/** Runs git in a directory and returns trimmed stdout. */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, env: gitEnv, maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

/** A minimal Kptfile for a package named `name`. */
export function kptfile(name: string, extra = ''): string {
  return [
    'apiVersion: kpt.dev/v1',
    'kind: Kptfile',
    'metadata:',
    `  name: ${name}`,
    '  annotations:',
    '    config.kubernetes.io/local-config: "true"',
    'info:',
    `  description: ${name} package`,
    extra,
  ].join('\n');
}

/** The `kpt:` commit-message line Porch writes (docs/porch-semantics.md §7.3), built independently of lib/kpt. */
export function kptAnnotation(a: {
  package: string;
  workspaceName?: string;
  revision?: string;
  task?: unknown;
}): string {
  const json: Record<string, unknown> = { package: a.package };
  if (a.workspaceName) json.workspaceName = a.workspaceName;
  if (a.revision) json.revision = a.revision;
  if (a.task) json.task = a.task;
  return `kpt:${JSON.stringify(json)}`;
}

export interface FixtureRepo {
  /** Bare repository directory; served as `<server url>/<name>.git` when created under the server root. */
  bareDir: string;
  workDir: string;
  branch: string;
  /** git in the work tree. */
  work(...args: string[]): Promise<string>;
  /** git in the bare repository (what the server serves). */
  bare(...args: string[]): Promise<string>;
  /** Writes files (path relative to the repository root → content) into the work tree. */
  write(files: Record<string, string | Buffer>): Promise<void>;
  /** Writes a package: Kptfile named after the last path segment plus the given files under `fullpath`. */
  writePackage(fullpath: string, files?: Record<string, string | Buffer>): Promise<void>;
  remove(path: string): Promise<void>;
  /** Stages everything and commits; returns the new commit's sha. */
  commit(message: string): Promise<string>;
  /** Creates a tag at `target` (default HEAD); annotated when a message is given. */
  tag(name: string, opts?: { target?: string; message?: string }): Promise<void>;
  /** Creates or moves a branch to `target` (default HEAD) without checking it out. */
  setBranch(name: string, target?: string): Promise<void>;
  deleteRef(ref: string): Promise<void>;
  /**
   * Publishes a package the way Porch does (docs/porch-semantics.md §7.4): a draft commit with the task annotation on
   * top of the branch, then a two-parent approval commit [previous head, draft] on the branch, tagged `<fullpath>/v<N>`
   * (lightweight).
   */
  publishLikePorch(a: {
    fullpath: string;
    workspace: string;
    revision: number;
    task: unknown;
    files?: Record<string, string>;
  }): Promise<{ draft: string; approval: string }>;
  /** Mirrors every ref of the work tree into the bare repository (deleted refs vanish there too). */
  push(): Promise<void>;
}

/**
 * Creates `<root>/<name>.git` (bare, push enabled) and a work tree `<root>/.work/<name>`, with an initial commit unless
 * empty.
 */
export async function createFixtureRepo(
  root: string,
  name: string,
  opts: { branch?: string; empty?: boolean; allowFilter?: boolean } = {},
): Promise<FixtureRepo> {
  const branch = opts.branch ?? 'main';
  const bareDir = join(root, `${name}.git`);
  // Beside the bare repository, so removing the test's root directory removes the work tree too.
  const workDir = join(root, '.work', name);
  await mkdir(workDir, { recursive: true });
  await mkdir(bareDir, { recursive: true });
  await git(bareDir, 'init', '--bare', '--quiet', `--initial-branch=${branch}`);
  await git(bareDir, 'config', 'http.receivepack', 'true');
  // GitHub and GitLab allow partial-clone filters; discovery uses them to fetch commits without trees.
  if (opts.allowFilter !== false) await git(bareDir, 'config', 'uploadpack.allowFilter', 'true');
  await git(workDir, 'init', '--quiet', `--initial-branch=${branch}`);
  const repo: FixtureRepo = {
    bareDir,
    workDir,
    branch,
    work: (...args) => git(workDir, ...args),
    bare: (...args) => git(bareDir, ...args),
    async write(files) {
      for (const [path, content] of Object.entries(files)) {
        const full = join(workDir, path);
        await mkdir(dirname(full), { recursive: true });
        await writeFile(full, content);
      }
    },
    async writePackage(fullpath, files = {}) {
      const name = fullpath.split('/').pop()!;
      const withDir = Object.fromEntries(Object.entries(files).map(([p, c]) => [`${fullpath}/${p}`, c]));
      await repo.write({ [`${fullpath}/Kptfile`]: kptfile(name), ...withDir });
    },
    async remove(path) {
      await rm(join(workDir, path), { recursive: true, force: true });
    },
    async commit(message) {
      await git(workDir, 'add', '-A');
      await git(workDir, 'commit', '--quiet', '--allow-empty', '-m', message);
      return git(workDir, 'rev-parse', 'HEAD');
    },
    async tag(tagName, tagOpts = {}) {
      const target = tagOpts.target ?? 'HEAD';
      if (tagOpts.message) await git(workDir, 'tag', '-f', '-a', tagName, '-m', tagOpts.message, target);
      else await git(workDir, 'tag', '-f', tagName, target);
    },
    async setBranch(branchName, target = 'HEAD') {
      await git(workDir, 'update-ref', `refs/heads/${branchName}`, await git(workDir, 'rev-parse', target));
    },
    async deleteRef(ref) {
      await git(workDir, 'update-ref', '-d', ref);
    },
    async publishLikePorch(a) {
      const head = await git(workDir, 'rev-parse', 'HEAD');
      await repo.remove(a.fullpath);
      await repo.writePackage(a.fullpath, a.files ?? {});
      const note = kptAnnotation({ package: a.fullpath, workspaceName: a.workspace, revision: '0', task: a.task });
      const draft = await repo.commit(`Creating new empty revision\n\n\n${note}\n`);
      const approvalNote = kptAnnotation({
        package: a.fullpath,
        workspaceName: a.workspace,
        revision: String(a.revision),
      });
      const message = `Approving package revision ${a.fullpath}/${a.revision}\n\n${approvalNote}\n`;
      const tree = await git(workDir, 'rev-parse', `${draft}^{tree}`);
      const approval = await git(workDir, 'commit-tree', tree, '-p', head, '-p', draft, '-m', message);
      await git(workDir, 'update-ref', `refs/heads/${branch}`, approval);
      await git(workDir, 'tag', '-f', `${a.fullpath}/v${a.revision}`, approval);
      return { draft, approval };
    },
    async push() {
      await git(workDir, 'push', '--quiet', '--mirror', bareDir);
    },
  };
  if (!opts.empty) {
    await repo.write({ 'README.md': `# ${name}\n` });
    await repo.commit('Initial commit');
    await repo.push();
  }
  return repo;
}

/** Parsed `git ls-remote` output of a URL or path: ref → oid, with `^{}` lines kept as given. */
export async function lsRemote(cwd: string, url: string): Promise<Record<string, string>> {
  const out = await git(cwd, 'ls-remote', url);
  const refs: Record<string, string> = {};
  for (const line of out.split('\n').filter(Boolean)) {
    const [oid, ref] = line.split('\t');
    refs[ref!] = oid!;
  }
  return refs;
}
