// Lambda adapter for a KRM function image (docs/render.md): takes invocations from the Lambda Runtime API, runs the
// image's own entrypoint with the ResourceList on stdin under the time and output limits the caller sent, and
// answers {stdout, stderr, exitCode}, or {error: 'timeout' | 'output'} when a limit stopped the function.
import { spawn } from 'node:child_process';

const api = `http://${process.env.AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime`;
const [command, ...args] = (process.env.KRM_FUNCTION_ENTRYPOINT ?? '/usr/local/bin/function').split(' ');

function run({ resourceList, timeoutMs, maxOutputBytes }) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin' } });
    const out = [[], []];
    const size = [0, 0];
    let stopped;
    const stop = (why) => {
      stopped ??= why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop('timeout'), timeoutMs);
    [child.stdout, child.stderr].forEach((stream, i) =>
      stream.on('data', (chunk) => {
        size[i] += chunk.length;
        if (size[i] > maxOutputBytes) stop('output');
        else out[i].push(chunk);
      }),
    );
    child.stdin.on('error', () => {});
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ stdout: '', stderr: `cannot start ${command}: ${err.message}`, exitCode: 127 });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (stopped) return resolve({ error: stopped });
      const text = (i) => Buffer.concat(out[i]).toString('utf8');
      resolve({ stdout: text(0), stderr: text(1), exitCode: code ?? (signal ? 137 : 1) });
    });
    child.stdin.end(resourceList ?? '');
  });
}

for (;;) {
  const next = await fetch(`${api}/invocation/next`);
  const id = next.headers.get('lambda-runtime-aws-request-id');
  try {
    const answer = await run(await next.json());
    await fetch(`${api}/invocation/${id}/response`, { method: 'POST', body: JSON.stringify(answer) });
  } catch (err) {
    const body = JSON.stringify({ errorType: 'AdapterError', errorMessage: String(err?.message ?? err) });
    await fetch(`${api}/invocation/${id}/error`, { method: 'POST', body });
  }
}
