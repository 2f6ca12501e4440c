/**
 * Local runtime through docker or podman: `run --rm -i --network none` on the image itself, with memory and pid
 * limits. Used when the engine binary is on PATH and its daemon answers (probed once).
 */
import { spawnSync } from 'node:child_process';
import type { FunctionRuntime, RawOutput, RunLimits } from './runtime.js';
import { spawnBounded } from './spawn-bounded.js';

/** The first of `candidates` whose engine answers, or undefined. */
export function detectContainerEngine(candidates: string[]): string | undefined {
  return candidates.find(
    (bin) =>
      spawnSync(bin, ['version', '--format', '{{.Server.Version}}'], { timeout: 3000, stdio: 'ignore' }).status === 0,
  );
}

export class ContainerRuntime implements FunctionRuntime {
  readonly name: string;
  constructor(private readonly engine: string) {
    this.name = engine;
  }

  canRun(): boolean {
    return true;
  }

  run(image: string, resourceList: string, limits: RunLimits): Promise<RawOutput> {
    const args = ['run', '--rm', '-i', '--network', 'none', '--memory', '512m', '--pids-limit', '256', image];
    return spawnBounded(image, this.engine, args, resourceList, limits, process.env);
  }
}
