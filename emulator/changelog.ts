import { randomUUID } from 'node:crypto';
import { kafkaPublisherFor } from './kafka-publisher.ts';
import type { KafkaDelivery } from './kafka-publisher.ts';
import type { HandlerContext } from './router.ts';
import type { EmulatorState } from './state.ts';
import type { IntegrationDoc } from './routes/integrations.ts';

/**
 * Port's change notifications (docs/port-api.md §12): every event goes to the outbox; a WEBHOOK
 * changelogDestination also gets one POST, made after the write committed and recorded on the entry.
 */
export const RESYNC_TOPIC_FLAG = 'OCEAN_KAFKA_INTEGRATION_RESYNC_REQUESTS_TOPIC_ENABLED';

export interface OutboxEntry {
  seq: number;
  at: string;
  topic: string;
  key: string;
  message: unknown;
  webhook?: { url: string; status?: number; error?: string };
  /** Set when `PUT /_emulator/kafka` enabled a broker: the delivery of this entry to its topic. */
  kafka?: KafkaDelivery;
}

export type IntegrationEvent = 'resyncState' | 'configChanged' | 'metadata' | 'manualResync' | 'deleted';

/** Record the change events one integration write causes, and schedule the webhook POST if any. */
export function emitIntegrationEvent(
  ctx: Pick<HandlerContext, 'emu' | 'after' | 'principal'>,
  kind: IntegrationEvent,
  before: IntegrationDoc | null,
  after: IntegrationDoc | null,
  request?: { id: string; updatedAt: string },
): void {
  const { emu } = ctx;
  const org = emu.organization();
  const flagOn = org.featureFlags.includes(RESYNC_TOPIC_FLAG);
  const integrationId = (after ?? before)!.identifier;
  const at = emu.clock.iso();
  const trigger = { by: { orgId: org.id, userId: ctx.principal?.clientId }, origin: kind === 'manualResync' ? 'UI' : 'API', at };
  const changeLog = `${org.id}.change.log`;
  const requests = `${org.id}.integration.resync.requests`;
  const diffMessage = (action: string) => ({ action, resourceType: 'integration', trigger, context: { integrationId }, diff: { before, after } });
  const resyncRequestMessage = () => ({ action: 'RESYNC', context: { integrationId }, request });

  const firstNew = emu.outbox.length;
  let toWebhook: unknown;
  switch (kind) {
    case 'resyncState':
    case 'metadata':
      if (!flagOn) add(emu, changeLog, integrationId, diffMessage('UPDATE'));
      break;
    case 'configChanged':
      if (flagOn) add(emu, requests, integrationId, resyncRequestMessage());
      else add(emu, changeLog, integrationId, diffMessage('UPDATE'));
      toWebhook = diffMessage('UPDATE');
      break;
    case 'manualResync': {
      const b = { action: 'RESYNC', resourceType: 'integration', context: { integrationId }, trigger };
      if (flagOn) add(emu, requests, integrationId, resyncRequestMessage());
      else add(emu, changeLog, integrationId, b);
      toWebhook = b;
      break;
    }
    case 'deleted':
      if (!flagOn) add(emu, changeLog, integrationId, diffMessage('DELETE'));
      break;
  }

  // Kafka delivery, like the webhook POST, waits until the write has committed (a rollback sends nothing).
  for (const entry of emu.outbox.slice(firstNew)) ctx.after.push(() => kafkaPublisherFor(emu).publish(entry));

  const dest = (after ?? before)?.changelogDestination as { type?: string; url?: string } | undefined;
  if (toWebhook && dest?.type === 'WEBHOOK' && typeof dest.url === 'string') {
    const entry = add(emu, `webhook`, integrationId, toWebhook);
    entry.webhook = { url: dest.url };
    const url = dest.url;
    ctx.after.push(() => {
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(toWebhook) })
        .then(async (res) => {
          entry.webhook!.status = res.status;
          await res.body?.cancel();
        })
        .catch((err: unknown) => {
          entry.webhook!.error = err instanceof Error ? err.message : String(err);
        });
    });
  }
}

function add(emu: EmulatorState, topic: string, key: string, message: unknown): OutboxEntry {
  const entry: OutboxEntry = { seq: emu.outbox.length + 1, at: emu.clock.iso(), topic, key, message };
  emu.outbox.push(entry);
  return entry;
}

export const newRequestId = () => `rr_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
