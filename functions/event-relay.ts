/** Scheduled (EventBridge Scheduler): publishes the change log's lifecycle events to the bus, then compacts the log. */
import { config } from '../lib/config.js';
import { getDatabase } from '../lib/db/pool.js';
import { runEventRelay, type RelayResult } from '../lib/events/event-relay.js';
import { eventBridgePublisher } from '../lib/events/publishers.js';

const { eventBusName, changeLogRetentionSeconds, eventRelayGraceSeconds } = config();

export const handler = async (): Promise<RelayResult> => {
  if (!eventBusName) throw new Error('EVENT_BUS_NAME is not set');
  return runEventRelay(await getDatabase(), eventBridgePublisher(eventBusName), {
    retentionSeconds: changeLogRetentionSeconds,
    relayGraceSeconds: eventRelayGraceSeconds,
  });
};
