/** The Lambda adapter of infra/krm-adapter against a Runtime API of our own, running executable functions. */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeFunctions } from './external-functions.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const adapter = `${root}infra/krm-adapter/bootstrap.mjs`;
let fns: Record<string, string>;

const body = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
  });

/** Serves the events one by one and answers what the adapter posted back for each. */
async function invoke(entrypoint: string, events: object[]): Promise<unknown[]> {
  const answers: unknown[] = [];
  const queue = [...events];
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const server = createServer(async (req, res) => {
    if (req.url?.endsWith('/invocation/next')) {
      const event = queue.shift();
      if (!event) return; // leave the adapter waiting; the test kills it
      res.writeHead(200, { 'lambda-runtime-aws-request-id': String(answers.length) });
      return res.end(JSON.stringify(event));
    }
    answers.push(JSON.parse(await body(req)));
    res.writeHead(202).end();
    if (answers.length === events.length) done();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const child = spawn(process.execPath, [adapter], {
    env: { AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${port}`, KRM_FUNCTION_ENTRYPOINT: entrypoint, PATH: process.env.PATH },
    stdio: 'ignore',
  });
  try {
    await finished;
  } finally {
    child.kill('SIGKILL');
    server.closeAllConnections();
    server.close();
  }
  return answers;
}

const resourceList =
  'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: keep\n      annotations:\n        internal.config.kubernetes.io/path: a.yaml\n        config.kubernetes.io/index: "0"\n';

beforeAll(async () => {
  fns = await writeFunctions(root);
});

describe('KRM function Lambda adapter', () => {
  it('feeds the ResourceList on stdin and answers stdout, stderr and exit code', async () => {
    const [ok] = await invoke(fns['example.com/fns/mutate']!, [
      { resourceList, timeoutMs: 5000, maxOutputBytes: 1 << 20 },
    ]);
    expect(ok).toMatchObject({ exitCode: 0, stderr: '' });
    expect((ok as { stdout: string }).stdout).toContain('seen-path: a.yaml');
    const [failed] = await invoke(fns['example.com/fns/fail']!, [
      { resourceList, timeoutMs: 5000, maxOutputBytes: 1 << 20 },
    ]);
    expect(failed).toMatchObject({ exitCode: 1, stderr: 'boom\n' });
  });

  it('stops a function at the time and output limits', async () => {
    const [slow] = await invoke(fns['example.com/fns/sleep']!, [
      { resourceList, timeoutMs: 500, maxOutputBytes: 1 << 20 },
    ]);
    expect(slow).toEqual({ error: 'timeout' });
    const [flood] = await invoke(fns['example.com/fns/flood']!, [
      { resourceList, timeoutMs: 5000, maxOutputBytes: 1 << 16 },
    ]);
    expect(flood).toEqual({ error: 'output' });
  });
});
