/** The process's function resolver, built once from the configuration (docs/render.md). */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { config, type Config } from '../config.js';
import { createResolver } from './resolve-function.js';
import { ContainerRuntime, detectContainerEngine } from './runtimes/container-runtime.js';
import { ExecutableRuntime, readExecutables } from './runtimes/executable-runtime.js';
import { LambdaRuntime } from './runtimes/lambda-runtime.js';
import type { FunctionRuntime } from './runtimes/runtime.js';
import type { KrmFunction } from './types.js';

/** Runtimes in order of preference: Lambda functions, configured executables, a local container engine. */
export function runtimesFrom(cfg: Config): FunctionRuntime[] {
  const runtimes: FunctionRuntime[] = [];
  const lambdas = Object.entries(cfg.krmFunctionLambdas);
  if (lambdas.length) runtimes.push(new LambdaRuntime(new LambdaClient({}), new Map(lambdas)));
  if (cfg.krmFunctionsFile) runtimes.push(new ExecutableRuntime(readExecutables(cfg.krmFunctionsFile)));
  if (cfg.krmContainerRuntime !== 'off') {
    const candidates = cfg.krmContainerRuntime === 'auto' ? ['docker', 'podman'] : [cfg.krmContainerRuntime];
    const engine = detectContainerEngine(candidates);
    if (engine) runtimes.push(new ContainerRuntime(engine));
  }
  return runtimes;
}

let shared: ((image: string) => KrmFunction) | undefined;

/** The resolver of this process; runtimes are probed on first use. */
export function defaultResolver(): (image: string) => KrmFunction {
  if (!shared) {
    const cfg = config();
    shared = createResolver({
      runtimes: runtimesFrom(cfg),
      limits: { timeoutMs: cfg.krmFunctionTimeoutMs, maxOutputBytes: cfg.krmFunctionMaxOutputBytes },
    });
  }
  return shared;
}
