/**
 * Which code runs an image (docs/render.md): a built-in when the image's name is one, else the first runtime that
 * can run it; an image nothing can run fails the render with a message saying how to enable it.
 */
import { BUILTINS } from './builtins/index.js';
import { unavailableError } from './errors.js';
import { functionName } from './image-name.js';
import { readResourceList, writeResourceList } from './resource-list.js';
import type { FunctionRuntime, RunLimits } from './runtimes/runtime.js';
import type { FunctionIO, FunctionOutput, KrmFunction } from './types.js';

export interface ResolveSettings {
  runtimes: FunctionRuntime[];
  limits: RunLimits;
}

const HOW_TO_ENABLE =
  'enable it locally with KRM_FUNCTIONS_FILE (an executable for the image) or a container engine (docker or podman), or in AWS by adding the image to krmFunctionImages of the deployment (docs/render.md)';

/** An external function: the items as a ResourceList through the runtime, the answer read back. */
function external(runtime: FunctionRuntime, image: string, limits: RunLimits): KrmFunction {
  return async (input: FunctionIO): Promise<FunctionOutput> => {
    const raw = await runtime.run(image, writeResourceList(input.items, input.functionConfig, ''), limits);
    if (raw.exitCode !== 0 && raw.stdout.trim() === '') {
      return { items: input.items, results: [], exitCode: raw.exitCode, stderr: raw.stderr };
    }
    const answer = readResourceList(raw.stdout, image);
    return { items: answer.items, results: answer.results, exitCode: raw.exitCode, stderr: raw.stderr };
  };
}

/** The resolver the engine calls for each pipeline entry. */
export function createResolver(settings: ResolveSettings): (image: string) => KrmFunction {
  return (image) => {
    const builtin = BUILTINS[functionName(image)];
    if (builtin) return builtin;
    const runtime = settings.runtimes.find((r) => r.canRun(image));
    if (!runtime)
      throw unavailableError(`function "${image}" is not built in and no runtime here can run it: ${HOW_TO_ENABLE}`);
    return external(runtime, image, settings.limits);
  };
}
