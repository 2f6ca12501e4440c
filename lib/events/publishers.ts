import { EventBridgeClient, PutEventsCommand, type PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import { logger } from '../log.js';
import { EVENT_SOURCE, type LifecycleEvent } from './lifecycle-events.js';

/** Publishes events in order; returns how many, from the first, were accepted (it stops at the first refusal). */
export interface EventPublisher {
  publish(events: LifecycleEvent[]): Promise<number>;
}

/** The SDK edge: what sends a PutEvents command (EventBridgeClient.send in AWS, a fake in tests). */
export type SendPutEvents = (command: PutEventsCommand) => Promise<Pick<PutEventsCommandOutput, 'Entries'>>;

let client: EventBridgeClient | undefined;
// A hung call must not hold up the relay for long (it holds no lock meanwhile).
const defaultSend: SendPutEvents = (command) =>
  (client ??= new EventBridgeClient({ requestHandler: { requestTimeout: 5_000, connectionTimeout: 2_000 } })).send(
    command,
  );

/** PutEvents takes at most 10 entries; one object appears at most once per call so its events stay in order. */
export function chunkEvents(events: LifecycleEvent[], size = 10): LifecycleEvent[][] {
  const chunks: LifecycleEvent[][] = [];
  let chunk: LifecycleEvent[] = [];
  for (const event of events) {
    if (chunk.length === size || chunk.some((e) => e.objectKey === event.objectKey)) {
      chunks.push(chunk);
      chunk = [];
    }
    chunk.push(event);
  }
  if (chunk.length) chunks.push(chunk);
  return chunks;
}

/** Publishes to an EventBridge bus, one PutEvents call after the other. */
export function eventBridgePublisher(busName: string, send: SendPutEvents = defaultSend): EventPublisher {
  return {
    async publish(events) {
      let accepted = 0;
      for (const chunk of chunkEvents(events)) {
        const out = await send(
          new PutEventsCommand({
            Entries: chunk.map((e) => ({
              EventBusName: busName,
              Source: EVENT_SOURCE,
              DetailType: e.detailType,
              Detail: JSON.stringify(e.detail),
              Time: e.time,
            })),
          }),
        );
        const failed = (out.Entries ?? []).findIndex((entry) => entry.ErrorCode);
        if (failed >= 0) {
          const entry = out.Entries![failed]!;
          logger.warn('EventBridge refused an event; the relay retries from it', {
            errorCode: entry.ErrorCode,
            errorMessage: entry.ErrorMessage,
          });
          return accepted + failed;
        }
        accepted += chunk.length;
      }
      return accepted;
    },
  };
}

/** Locally: each event is one log line. */
export function logPublisher(): EventPublisher {
  return {
    async publish(events) {
      for (const e of events)
        logger.info('lifecycle event', { source: EVENT_SOURCE, detailType: e.detailType, detail: e.detail });
      return events.length;
    },
  };
}
