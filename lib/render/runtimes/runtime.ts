/** One interface for every way of running a function image outside this process (docs/render.md). */

export interface RunLimits {
  /** Wall-clock limit of one function run. */
  timeoutMs: number;
  /** Largest stdout (and, separately, stderr) accepted from one run. */
  maxOutputBytes: number;
}

/** What a function process answered. */
export interface RawOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface FunctionRuntime {
  /** Shown in messages: `lambda`, `executable`, `docker`. */
  readonly name: string;
  /** Whether this runtime can run the image. */
  canRun(image: string): boolean;
  /** Runs the image on a ResourceList; throws a `timeout` RenderError when it overruns, `pipeline` when it floods. */
  run(image: string, resourceList: string, limits: RunLimits): Promise<RawOutput>;
}
