/**
 * Runs a process with the ResourceList on stdin under a time limit and an output cap; a function that overruns is
 * killed (SIGKILL) and reported, never waited for.
 */
import { spawn } from 'node:child_process';
import { pipelineError, timeoutError } from '../errors.js';
import type { RawOutput, RunLimits } from './runtime.js';

export function spawnBounded(
  label: string,
  command: string,
  args: string[],
  input: string,
  limits: RunLimits,
  env: NodeJS.ProcessEnv,
): Promise<RawOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env, detached: false });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let sizes = [0, 0];
    let failure: Error | undefined;
    const stop = (why: Error) => {
      failure ??= why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(
      () => stop(timeoutError(`function "${label}" did not finish within ${limits.timeoutMs} ms`)),
      limits.timeoutMs,
    );
    const collect = (chunks: Buffer[], i: 0 | 1, stream: string) => (chunk: Buffer) => {
      sizes = i === 0 ? [sizes[0]! + chunk.length, sizes[1]!] : [sizes[0]!, sizes[1]! + chunk.length];
      if (sizes[i]! > limits.maxOutputBytes) {
        stop(pipelineError(`function "${label}" wrote more than ${limits.maxOutputBytes} bytes to ${stream}`));
        return;
      }
      chunks.push(chunk);
    };
    child.stdout.on('data', collect(out, 0, 'stdout'));
    child.stderr.on('data', collect(err, 1, 'stderr'));
    child.stdin.on('error', () => undefined); // a function may exit without reading its input
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(failure ?? pipelineError(`function "${label}" could not be started: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (failure) return reject(failure);
      resolve({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        exitCode: code ?? (signal ? 137 : 1),
      });
    });
    child.stdin.end(input);
  });
}
