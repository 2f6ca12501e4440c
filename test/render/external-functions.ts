/** Small executable KRM functions for the runtime tests, written as Node scripts into a temporary directory. */
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const header = `#!${process.execPath}
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => main(Buffer.concat(chunks).toString()));
`;

/** Reads the ResourceList (YAML, but written by us as a plain subset) through the yaml package of this repository. */
const yamlImport = (root: string) =>
  `const { parse, stringify } = require(${JSON.stringify(join(root, 'node_modules/yaml/dist/index.js'))});\n`;

const scripts: Record<string, string> = {
  // Records the path it saw, deletes `doomed`, moves `mover` into sub/, creates a ConfigMap without a path.
  mutate: `function main(text) {
  const rl = parse(text);
  const out = [];
  for (const item of rl.items) {
    const a = item.metadata.annotations;
    if (item.metadata.name === 'doomed') continue;
    item.metadata.labels = { ...(item.metadata.labels || {}), 'seen-path': a['internal.config.kubernetes.io/path'].replace(/\\//g, '_'), 'legacy-index': a['config.kubernetes.io/index'] };
    if (item.metadata.name === 'mover') { a['internal.config.kubernetes.io/path'] = 'sub/moved.yaml'; a['config.kubernetes.io/path'] = 'sub/moved.yaml'; }
    out.push(item);
  }
  out.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'generated' }, data: { from: String(rl.functionConfig?.data?.from) } });
  process.stdout.write(stringify({ apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList', items: out, results: [{ message: 'mutated', severity: 'info' }] }));
}`,
  fail: `function main(text) {
  process.stderr.write('boom\\n');
  process.stdout.write(stringify({ apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList', items: parse(text).items, results: [{ message: 'replicas must be set', severity: 'error' }] }));
  process.exit(1);
}`,
  sleep: `function main() { setTimeout(() => {}, 600000); }`,
  // Marks that it started, then answers its input unchanged after a second.
  slow: `function main(text) {
  require('node:fs').writeFileSync(${'${MARKER}'}, 'started');
  setTimeout(() => process.stdout.write(text), 1000);
}`,
  flood: `function main() { const line = 'x'.repeat(1 << 16) + '\\n'; const go = () => { while (process.stdout.write(line)) {} process.stdout.once('drain', go); }; go(); }`,
  escape: `function main(text) {
  const rl = parse(text);
  for (const item of rl.items) { item.metadata.annotations['internal.config.kubernetes.io/path'] = '../outside.yaml'; delete item.metadata.annotations['config.kubernetes.io/path']; }
  process.stdout.write(stringify(rl));
}`,
  network: `function main(text) {
  const socket = require('node:net').connect(Number(process.argv[2] || 0) || ${'${PORT}'}, '127.0.0.1');
  socket.on('connect', () => { process.stderr.write('connected'); process.exit(3); });
  socket.on('error', () => { process.stdout.write(text); process.exit(0); });
}`,
};

/** Writes every script; answers image → executable path. */
export async function writeFunctions(repoRoot: string, port = 0): Promise<Record<string, string>> {
  const dir = await mkdtemp(join(tmpdir(), 'krm-fns-'));
  const marker = join(dir, 'slow.started');
  const out: Record<string, string> = {};
  for (const [name, body] of Object.entries(scripts)) {
    const path = join(dir, name);
    const text = body.replace('${PORT}', String(port)).replace('${MARKER}', JSON.stringify(marker));
    await writeFile(path, header + yamlImport(repoRoot) + text);
    await chmod(path, 0o755);
    out[`example.com/fns/${name}`] = path;
  }
  return out;
}
