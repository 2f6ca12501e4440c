/** Shared bits of the render tests: a resolver with built-ins only, and a Kptfile with a pipeline. */
import { createResolver } from '../../lib/render/resolve-function.js';
import type { FunctionRuntime } from '../../lib/render/runtimes/runtime.js';

export const builtinsOnly = {
  resolve: createResolver({ runtimes: [], limits: { timeoutMs: 5000, maxOutputBytes: 1 << 20 } }),
};

export const withRuntimes = (runtimes: FunctionRuntime[], timeoutMs = 5000, maxOutputBytes = 1 << 20) => ({
  resolve: createResolver({ runtimes, limits: { timeoutMs, maxOutputBytes } }),
});

/** A Kptfile whose pipeline is the given YAML block (indented two spaces under `pipeline:`). */
export const kptfile = (name: string, pipeline = '', extra = '') =>
  `apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: ${name}
  annotations:
    config.kubernetes.io/local-config: "true"
${extra}${pipeline ? `pipeline:\n${pipeline}` : ''}`;
