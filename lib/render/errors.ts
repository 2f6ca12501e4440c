/** Why a render failed. The API maps `pipeline` to 422 and `unavailable`/`timeout` to 503 (docs/api.md). */
export type RenderFailureKind = 'pipeline' | 'unavailable' | 'timeout';

export class RenderError extends Error {
  constructor(
    readonly kind: RenderFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'RenderError';
  }
}

/** A pipeline (a function, the Kptfile, a resource) is wrong: the package's author has to fix it. */
export const pipelineError = (message: string) => new RenderError('pipeline', message);

/** No runtime here can run the image: the operator has to enable it. */
export const unavailableError = (message: string) => new RenderError('unavailable', message);

/** The function did not answer within its time limit. */
export const timeoutError = (message: string) => new RenderError('timeout', message);
