import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';

export interface RepositoryKey {
  namespace: string;
  name: string;
}

/** Starts one repository's sync without waiting for it to finish. */
export type InvokeSync = (target: RepositoryKey) => Promise<void>;

/** The SDK edge: what sends a command (LambdaClient.send in AWS, a fake in tests). */
export type SendCommand = (command: InvokeCommand) => Promise<{ StatusCode?: number; FunctionError?: string }>;

let client: LambdaClient | undefined;
const defaultSend: SendCommand = (command) => (client ??= new LambdaClient({})).send(command);

/**
 * Invokes the sync-repository function asynchronously (InvocationType Event): Lambda queues the event and retries
 * it itself; the caller waits only for the enqueue.
 */
export function lambdaInvoker(functionName: string, send: SendCommand = defaultSend): InvokeSync {
  return async (target) => {
    const out = await send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify({ namespace: target.namespace, name: target.name })),
      }),
    );
    if (out.StatusCode !== undefined && out.StatusCode !== 202) {
      throw new Error(`async invoke of ${functionName} answered ${out.StatusCode} ${out.FunctionError ?? ''}`.trim());
    }
  };
}
