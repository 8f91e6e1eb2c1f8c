/**
 * The fake API's webhook: `POST /integration/webhook` with `{ "type": "person.updated", "person": {…} }`
 * or `{ "type": "person.deleted", "person": { "id": … } }`. The person goes through the resync mapping
 * of kind `fake-person`, so a live event ends in the same entity a resync would produce.
 */
import { verifyHmacSha256, type VerifyRequest, type WebhookEvent, type WebhookProcessor } from 'port-tide';

/** Where a sender puts `sha256=<hex HMAC-SHA256 of the body>` when `webhookSecret` is set. */
export const FAKE_SIGNATURE_HEADER = 'x-fake-signature-256';

/**
 * The route's check, before anything is queued: with `webhookSecret` set, only deliveries signed with it
 * are taken (401 otherwise); without it the demo accepts anonymous events, as Ocean's fake does.
 */
export function verifyFakeDelivery(request: VerifyRequest, secret: string | undefined): Promise<boolean> | boolean {
  if (secret === undefined || secret === '') return true;
  return verifyHmacSha256(request, { secret, header: FAKE_SIGNATURE_HEADER });
}

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
