/**
 * The fake API's webhook: `POST /integration/webhook` with `{ "type": "person.updated", "person": {…} }`
 * or `{ "type": "person.deleted", "person": { "id": … } }`. The person goes through the resync mapping
 * of kind `fake-person`, so a live event ends in the same entity a resync would produce.
 *
 * With `webhookSecret` set (OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET), a delivery must carry it in the
 * `X-Tide-Webhook-Secret` header or is answered 401; without it every delivery is accepted, as a local demo
 * expects, so any deployment reachable by others sets it.
 */
import { secretsEqual } from 'port-tide';
import type { ProcessorContext, VerifyRequest, WebhookEvent, WebhookProcessor, WebhookRoute } from 'port-tide';

type PersonEvent = { type: 'person.updated' | 'person.deleted'; person: Record<string, unknown> & { id: string } };

function isPersonEvent(payload: unknown): payload is PersonEvent {
  const p = payload as Partial<PersonEvent> | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    (p.type === 'person.updated' || p.type === 'person.deleted') &&
    typeof p.person === 'object' &&
    p.person !== null &&
    typeof p.person.id === 'string'
  );
}

export const fakePersonWebhook: WebhookProcessor = {
  shouldProcessEvent: (event: WebhookEvent) => isPersonEvent(event.payload),
  getMatchingKinds: () => ['fake-person'],
  authenticate: () => true,
  validatePayload: (payload: unknown) => isPersonEvent(payload),
  async handleEvent(payload: unknown) {
    const { type, person } = payload as PersonEvent;
    return type === 'person.updated' ? { updated: [person], deleted: [] } : { updated: [], deleted: [person] };
  },
};

/** The header a delivery carries the shared secret in. */
export const FAKE_SECRET_HEADER = 'x-tide-webhook-secret';

/** `POST /integration/webhook`: the shared-secret check, then {@link fakePersonWebhook}. */
export const fakeWebhookRoute: WebhookRoute<{ webhookSecret?: string }> = {
  verify(request: VerifyRequest, { config }: ProcessorContext<{ webhookSecret?: string }>) {
    const secret = config.webhookSecret;
    if (secret === undefined || secret === '') return true;
    return secretsEqual(request.headers[FAKE_SECRET_HEADER] ?? '', secret);
  },
  processors: fakePersonWebhook,
};
