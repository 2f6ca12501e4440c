/**
 * AWS runtime: each enabled image is its own Lambda function (infra/constructs/krm-function.ts) whose adapter runs
 * the image's entrypoint with the ResourceList on stdin. The map image → function comes from
 * `KRM_FUNCTION_LAMBDAS`, written by the same construct.
 */
import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from '@aws-sdk/client-lambda';
import { imageRepository } from '../image-name.js';
import { pipelineError, timeoutError, unavailableError } from '../errors.js';
import type { FunctionRuntime, RawOutput, RunLimits } from './runtime.js';

/** What the adapter receives and answers (docs/render.md). */
export interface AdapterRequest {
  resourceList: string;
  timeoutMs: number;
  maxOutputBytes: number;
}

export class LambdaRuntime implements FunctionRuntime {
  readonly name = 'lambda';
  constructor(
    private readonly client: LambdaClient,
    private readonly functions: Map<string, string>,
  ) {}

  private find(image: string) {
    return this.functions.get(image) ?? this.functions.get(imageRepository(image));
  }

  canRun(image: string): boolean {
    return this.find(image) !== undefined;
  }

  async run(image: string, resourceList: string, limits: RunLimits): Promise<RawOutput> {
    const functionName = this.find(image);
    if (!functionName) throw unavailableError(`no Lambda function is enabled for "${image}"`);
    const request: AdapterRequest = {
      resourceList,
      timeoutMs: limits.timeoutMs,
      maxOutputBytes: limits.maxOutputBytes,
    };
    let response: InvokeCommandOutput;
    try {
      response = await this.client.send(
        new InvokeCommand({ FunctionName: functionName, Payload: new TextEncoder().encode(JSON.stringify(request)) }),
        { abortSignal: AbortSignal.timeout(limits.timeoutMs + 5000) },
      );
    } catch (err) {
      if ((err as Error).name === 'AbortError' || (err as Error).name === 'TimeoutError') {
        throw timeoutError(`function "${image}" did not finish within ${limits.timeoutMs} ms`);
      }
      throw unavailableError(`function "${image}" could not be invoked: ${(err as Error).name}`);
    }
    const text = response.Payload ? new TextDecoder().decode(response.Payload) : '';
    if (response.FunctionError) {
      if (/timed out/i.test(text))
        throw timeoutError(`function "${image}" did not finish within ${limits.timeoutMs} ms`);
      throw pipelineError(`function "${image}" failed in its Lambda adapter`);
    }
    if (text.length > limits.maxOutputBytes * 2 + 4096) {
      throw pipelineError(`function "${image}" wrote more than ${limits.maxOutputBytes} bytes`);
    }
    const parsed = JSON.parse(text) as Partial<RawOutput> & { error?: string };
    if (parsed.error === 'timeout')
      throw timeoutError(`function "${image}" did not finish within ${limits.timeoutMs} ms`);
    if (parsed.error === 'output')
      throw pipelineError(`function "${image}" wrote more than ${limits.maxOutputBytes} bytes`);
    return {
      stdout: String(parsed.stdout ?? ''),
      stderr: String(parsed.stderr ?? ''),
      exitCode: Number(parsed.exitCode ?? 1),
    };
  }
}
