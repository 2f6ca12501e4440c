/**
 * The render engine (docs/render.md): kpt's `fn render` over a file set. Packages are hydrated depth-first
 * (subpackages first; a parent's functions see its subpackages' resources), mutators then validators, and the
 * rendered items are written back over the KRM files; other files pass through. Pure apart from the functions it
 * runs: files in, files and results out.
 */
import { posix } from 'node:path';
import type { Files } from '../kpt/types.js';
import { pipelineError, RenderError } from './errors.js';
import { packageTree, type PackageNode } from './package-tree.js';
import { functionConfig, readPipeline } from './pipeline.js';
import { setRenderedCondition } from './rendered-condition.js';
import { baselineTexts, defaultPath, readItems, writeItems } from './resources.js';
import { selectItems } from './selection.js';
import {
  newResultList,
  type FunctionEntry,
  type FunctionResult,
  type KrmFunction,
  type KrmItem,
  type ResultList,
} from './types.js';

export interface RenderDeps {
  /** The function for an image; throws an `unavailable` RenderError when nothing here can run it. */
  resolve(image: string): KrmFunction;
}

export interface Rendered {
  files: Files;
  results: ResultList;
}

/** A failed render: why, and the results gathered up to the failure. */
export class RenderFailure extends RenderError {
  constructor(
    cause: RenderError,
    readonly results: ResultList,
  ) {
    super(cause.kind, cause.message);
  }
}

interface Context {
  deps: RenderDeps;
  results: FunctionResult[];
}

const kptfilePath = (dir: string) => (dir ? `${dir}/Kptfile` : 'Kptfile');
const where = (dir: string) => `pkg ${dir ? `./${dir}` : '.'}`;

/** Renders a package's files; throws RenderFailure. A file set without a root Kptfile is returned unchanged. */
export async function renderFiles(files: Files, deps: RenderDeps): Promise<Rendered> {
  if (files['Kptfile'] === undefined) return { files, results: newResultList() };
  const ctx: Context = { deps, results: [] };
  try {
    const tree = packageTree(files);
    if (!hasPipeline(tree, files))
      return { files: setRenderedCondition(checkResources(tree, files)), results: newResultList() };
    const baseline = new Map<string, string>();
    const items = await hydrate(tree, files, ctx, baseline);
    const written = writeItems(files, [...baseline.keys()], items, baseline);
    if (written['Kptfile'] === undefined) throw pipelineError('the pipeline deleted the root Kptfile');
    return { files: setRenderedCondition(written), results: newResultList(ctx.results) };
  } catch (err) {
    if (!(err instanceof RenderError)) throw err;
    const failed = ctx.results.some((r) => r.exitCode !== 0);
    throw new RenderFailure(err, newResultList(ctx.results, failed ? 1 : 0));
  }
}

/** Whether any package of the tree declares a function: without one, render only checks and marks the files. */
function hasPipeline(node: PackageNode, files: Files): boolean {
  const [kptfile] = readItems(kptfilePath(node.dir), files[kptfilePath(node.dir)]!);
  const pipeline = readPipeline(kptfile!.doc, where(node.dir));
  return pipeline.mutators.length + pipeline.validators.length > 0 || node.children.some((c) => hasPipeline(c, files));
}

/** kpt's check of a render without functions: every file read must hold only KRM resources. */
function checkResources(node: PackageNode, files: Files): Files {
  for (const path of node.krmFiles) readItems(path, files[path]!);
  for (const child of node.children) checkResources(child, files);
  return files;
}

/** Renders one package after its subpackages; `baseline` collects how each file read would print untouched. */
async function hydrate(node: PackageNode, files: Files, ctx: Context, baseline: Map<string, string>) {
  const own = node.krmFiles.flatMap((path) => readItems(path, files[path]!));
  for (const [path, text] of baselineTexts(files, own)) baseline.set(path, text);
  let input = [...own];
  for (const child of node.children) input = input.concat(await hydrate(child, files, ctx, baseline));
  const kptfile = input.find((item) => item.path === kptfilePath(node.dir));
  if (!kptfile) throw pipelineError(`${where(node.dir)}: the package's Kptfile was removed by a function`);
  const pipeline = readPipeline(kptfile.doc, where(node.dir));
  for (const entry of pipeline.mutators) input = await mutate(node, entry, input, ctx);
  for (const entry of pipeline.validators) await validate(node, entry, input, ctx);
  return input;
}

/** Whether a path belongs to the package itself: below its directory and in none of its subpackages. */
function ownedBy(node: PackageNode, path: string): boolean {
  const inside = (d: string) => d === '' || path.startsWith(`${d}/`);
  return inside(node.dir) && !node.children.some((c) => inside(c.dir));
}

async function call(node: PackageNode, entry: FunctionEntry, items: KrmItem[], all: KrmItem[], ctx: Context) {
  const config = functionConfig(
    entry,
    node.dir,
    all.filter((i) => i.path !== undefined && ownedBy(node, i.path)),
  );
  const fn = ctx.deps.resolve(entry.image);
  const rel = (p?: string) => (p === undefined || !node.dir ? p : p.slice(node.dir.length + 1));
  const output = await fn({
    items: items.map((i) => ({ ...i, path: rel(i.path) })),
    ...(config ? { functionConfig: config } : {}),
  });
  const failed = output.exitCode !== 0 || output.results.some((r) => r.severity === 'error');
  const exitCode = failed && output.exitCode === 0 ? 1 : output.exitCode;
  ctx.results.push({
    image: entry.image,
    exitCode,
    ...(output.stderr ? { stderr: output.stderr } : {}),
    ...(output.results.length ? { results: output.results } : {}),
  });
  if (failed) {
    const messages = output.results.filter((r) => r.severity === 'error').map((r) => r.message);
    const detail = [...messages, ...(output.stderr ? [output.stderr.trim()] : [])].join('; ');
    throw pipelineError(
      `${where(node.dir)}: pipeline.run: func eval "${entry.image}" failed to run: exit code ${exitCode}${detail ? `: ${detail}` : ''}`,
    );
  }
  return output.items.map((item) => place(node, item));
}

/** An output item back in root-relative terms; a new item without a path gets kpt's default file. */
function place(node: PackageNode, item: KrmItem): KrmItem {
  if (item.path === undefined) return { ...item, path: defaultPath(item, node.dir) };
  const path = posix.normalize(node.dir ? `${node.dir}/${item.path}` : item.path);
  const inside = node.dir === '' ? !path.startsWith('../') && path !== '..' : path.startsWith(`${node.dir}/`);
  if (posix.isAbsolute(item.path) || !inside) {
    throw pipelineError(
      `${where(node.dir)}: function must not modify resources outside of package: resource has path ${item.path}`,
    );
  }
  return { ...item, path };
}

async function mutate(node: PackageNode, entry: FunctionEntry, input: KrmItem[], ctx: Context): Promise<KrmItem[]> {
  const selected = selectItems(input, entry.selectors, entry.exclude);
  const output = await call(node, entry, selected, input, ctx);
  if (selected.length === input.length) return output;
  const chosen = new Set(selected);
  return [...input.filter((i) => !chosen.has(i)), ...output];
}

async function validate(node: PackageNode, entry: FunctionEntry, input: KrmItem[], ctx: Context): Promise<void> {
  const selected = selectItems(input, entry.selectors, entry.exclude);
  // A validator's changes are thrown away (kpt): it works on copies.
  await call(
    node,
    entry,
    selected.map((i) => ({ ...i, doc: i.doc.clone() })),
    input,
    ctx,
  );
}
