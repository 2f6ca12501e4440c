/** The AWS runtime: images run as their Lambda functions; the SDK client is faked at its edge (send). */
import type { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderFiles } from '../../lib/render/render-files.js';
import { LambdaRuntime } from '../../lib/render/runtimes/lambda-runtime.js';
import { kptfile, withRuntimes } from './render-helpers.js';

function fakeClient(answer: (payload: { resourceList: string; timeoutMs: number }) => object, functionError?: string) {
  const calls: InvokeCommand[] = [];
  const client = {
    async send(command: InvokeCommand) {
      calls.push(command);
      const payload = JSON.parse(new TextDecoder().decode(command.input.Payload as Uint8Array));
      return {
        StatusCode: 200,
        ...(functionError ? { FunctionError: functionError } : {}),
        Payload: new TextEncoder().encode(JSON.stringify(answer(payload))),
      };
    },
  } as unknown as LambdaClient;
  return { client, calls };
}

const files = {
  Kptfile: kptfile('app', '  validators:\n    - image: gcr.io/kpt-fn/kubeconform:v0.1.1\n'),
  'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
};
const functions = new Map([['gcr.io/kpt-fn/kubeconform', 'porch-krm-kubeconform']]);

describe('Lambda runtime', () => {
  it('invokes the function enabled for the image (any tag) with the ResourceList and reads its answer', async () => {
    const { client, calls } = fakeClient(({ resourceList }) => ({
      stdout: resourceList.replace(
        'kind: ResourceList',
        'kind: ResourceList\nresults:\n  - message: valid\n    severity: info',
      ),
      stderr: '',
      exitCode: 0,
    }));
    const out = await renderFiles(files, withRuntimes([new LambdaRuntime(client, functions)]));
    expect(calls[0]!.input.FunctionName).toBe('porch-krm-kubeconform');
    const sent = JSON.parse(new TextDecoder().decode(calls[0]!.input.Payload as Uint8Array));
    const paths = parse(sent.resourceList).items.map(
      (i: any) => i.metadata.annotations['internal.config.kubernetes.io/path'],
    );
    expect(paths).toEqual(['Kptfile', 'cm.yaml']);
    expect(sent.timeoutMs).toBe(5000);
    expect(out.results.items[0]!.results).toEqual([{ message: 'valid', severity: 'info' }]);
    expect(out.files['cm.yaml']).toBe(files['cm.yaml']);
  });

  it('a failing function fails the pipeline; a Lambda timeout or adapter timeout is a timeout', async () => {
    const failing = fakeClient(() => ({ stdout: '', stderr: 'invalid', exitCode: 1 }));
    const err = await renderFiles(files, withRuntimes([new LambdaRuntime(failing.client, functions)])).catch((e) => e);
    expect(err.kind).toBe('pipeline');
    const timedOut = fakeClient(() => ({ errorMessage: 'Task timed out after 25.00 seconds' }), 'Unhandled');
    const slow = await renderFiles(files, withRuntimes([new LambdaRuntime(timedOut.client, functions)])).catch(
      (e) => e,
    );
    expect(slow.kind).toBe('timeout');
    const adapter = fakeClient(() => ({ error: 'timeout' }));
    expect(
      (await renderFiles(files, withRuntimes([new LambdaRuntime(adapter.client, functions)])).catch((e) => e)).kind,
    ).toBe('timeout');
  });

  it('an image without a function is not run here', () => {
    const { client } = fakeClient(() => ({}));
    expect(new LambdaRuntime(client, functions).canRun('gcr.io/kpt-fn/starlark:v0.5')).toBe(false);
  });
});
