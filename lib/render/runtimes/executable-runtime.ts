/**
 * Local runtime for function executables named in a configuration file (`KRM_FUNCTIONS_FILE`): a JSON object from
 * image (with or without tag) to the absolute path of an executable that reads a ResourceList on stdin and writes
 * one on stdout, like a function container's entrypoint.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { ConfigError } from '../../config.js';
import { imageRepository } from '../image-name.js';
import { unavailableError } from '../errors.js';
import { functionEnv, withoutNetwork } from './isolation.js';
import type { FunctionRuntime, RawOutput, RunLimits } from './runtime.js';
import { spawnBounded } from './spawn-bounded.js';

/** Reads and checks the configuration file; a bad file fails at start (ConfigError). */
export function readExecutables(file: string): Map<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`KRM_FUNCTIONS_FILE ${file} is not readable JSON: ${(err as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`KRM_FUNCTIONS_FILE ${file} must hold an object of image → executable path`);
  }
  const out = new Map<string, string>();
  for (const [image, path] of Object.entries(parsed)) {
    if (typeof path !== 'string' || !isAbsolute(path)) {
      throw new ConfigError(`KRM_FUNCTIONS_FILE ${file}: the executable of "${image}" must be an absolute path`);
    }
    out.set(image, path);
  }
  return out;
}

export class ExecutableRuntime implements FunctionRuntime {
  readonly name = 'executable';
  constructor(private readonly executables: Map<string, string>) {}

  private find(image: string) {
    return this.executables.get(image) ?? this.executables.get(imageRepository(image));
  }

  canRun(image: string): boolean {
    return this.find(image) !== undefined;
  }

  run(image: string, resourceList: string, limits: RunLimits): Promise<RawOutput> {
    const path = this.find(image);
    if (!path) throw unavailableError(`no executable is configured for function "${image}"`);
    const [command, args] = withoutNetwork(path, []) ?? [path, []];
    return spawnBounded(image, command, args, resourceList, limits, functionEnv());
  }
}
