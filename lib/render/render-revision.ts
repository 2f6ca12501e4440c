/**
 * Render as the package-revision service needs it (docs/porch-semantics.md §4.3, §6, §6.1): the files to store,
 * the `renderStatus` to show, and Porch's error when the pipeline fails: 422 for a failing pipeline, 503 for a
 * function nothing can run or that timed out. With `porch.kpt.dev/push-on-render-failure: "true"` the unrendered
 * files are stored and the error is reported after the write.
 */
import { ApiError, UnavailableError } from '../errors.js';
import type { Files } from '../kpt/types.js';
import { defaultResolver } from './default-resolver.js';
import { renderFiles, RenderFailure, type RenderDeps } from './render-files.js';
import type { ResultList } from './types.js';

export const PUSH_ON_RENDER_FAILURE = 'porch.kpt.dev/push-on-render-failure';

/** `status.renderStatus` of a PackageRevisionResources. */
export interface RenderStatus {
  /** The render's results; Go's zero value (as Porch shows it on reads) when this request rendered nothing. */
  result: ResultList | { metadata: { creationTimestamp: null } };
  error: string;
}

export interface RevisionRender {
  files: Files;
  renderStatus: RenderStatus;
  /** Set when the render failed and the unrendered files are stored anyway: throw it once they are. */
  failure?: ApiError;
}

/** The status of a revision that was not rendered by this request (reads). */
export const emptyRenderStatus = (): RenderStatus => ({ result: { metadata: { creationTimestamp: null } }, error: '' });

/** Whether the revision's annotations ask to store files whose render failed. */
export const pushesOnRenderFailure = (annotations: Record<string, string> | undefined) =>
  annotations?.[PUSH_ON_RENDER_FAILURE] === 'true';

function failureError(failure: RenderFailure, pushed: boolean): ApiError {
  const message = pushed
    ? `error rendering package in kpt function pipeline. Package pushed to remote despite render failure. Details: ${failure.message}`
    : `error rendering package in kpt function pipeline. Package NOT pushed to remote. Fix locally (until 'kpt fn render' succeeds) and retry. Details: ${failure.message}`;
  return failure.kind === 'pipeline' ? new ApiError(422, 'Invalid', message) : new UnavailableError(message);
}

/** Renders a revision's files for storing; throws Porch's error on failure unless `pushOnFailure`. */
export async function renderRevision(
  files: Files,
  options: { pushOnFailure: boolean; deps?: RenderDeps },
): Promise<RevisionRender> {
  try {
    const rendered = await renderFiles(files, options.deps ?? { resolve: defaultResolver() });
    return { files: rendered.files, renderStatus: { result: rendered.results, error: '' } };
  } catch (err) {
    if (!(err instanceof RenderFailure)) throw err;
    const error = failureError(err, options.pushOnFailure);
    if (!options.pushOnFailure) throw error;
    return { files, renderStatus: { result: err.results, error: error.message }, failure: error };
  }
}
