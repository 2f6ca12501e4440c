import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type LogLine = Record<string, unknown>;
export type LogSink = (line: LogLine) => void;

/** Writes one JSON object per line to stdout (CloudWatch parses it; the local server prints it). */
export const stdoutLog: LogSink = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

/** Carries the details an error handler wants in the log line but never in the response. */
export interface RequestLogState {
  started: number;
  requestId?: string;
  user?: string;
  error?: { name: string; message: string; stack?: string };
}

const states = new WeakMap<object, RequestLogState>();

/** The log state of one event, for other middlewares to annotate. */
export function logState(event: object): RequestLogState {
  let state = states.get(event);
  if (!state) states.set(event, (state = { started: performance.now() }));
  return state;
}

/** Middleware writing exactly one line per request: method, path, status, duration, caller, and any error. */
export function requestLog(sink: LogSink): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  const write = (event: APIGatewayProxyEventV2, response: APIGatewayProxyStructuredResultV2 | null | undefined) => {
    const state = logState(event);
    const status = response?.statusCode ?? 500;
    const line: LogLine = {
      level: status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info',
      msg: 'request',
      requestId: state.requestId ?? event.requestContext?.requestId,
      method: event.requestContext?.http?.method,
      path: event.rawPath,
      query: event.rawQueryString || undefined,
      routeKey: event.routeKey,
      status,
      durationMs: Math.round((performance.now() - state.started) * 10) / 10,
      user: state.user,
    };
    if (state.error) line.error = state.error;
    sink(line);
  };
  return {
    before: (request) => {
      logState(request.event);
    },
    after: (request) => write(request.event, request.response),
    onError: (request) => write(request.event, request.response),
  };
}
